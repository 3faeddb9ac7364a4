import { afterEach, describe, expect, it } from 'vitest';
import { AbortedError, InputError, SystemError, TransientError } from '../errors.ts';
import type { ChatMessage, ToolDefinition } from './model.ts';
import { createOpenAICompatibleModel, type OpenAICompatibleOptions } from './openai-compatible.ts';
import { type StubHttpReply, type StubHttpServer, startStubHttpServer } from './testing-http-server.ts';

let server: StubHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function completion(message: Record<string, unknown>, finishReason: string | null = 'stop', extra = {}) {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    model: 'served-model-v2',
    system_fingerprint: 'fp_1',
    choices: [
      { index: 0, message: { role: 'assistant', ...message }, finish_reason: finishReason, logprobs: null },
    ],
    usage: { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 },
    ...extra,
  };
}

const recordedSleeps: number[] = [];
async function recordingSleep(ms: number): Promise<void> {
  recordedSleeps.push(ms);
}

async function modelAgainst(replies: StubHttpReply[], options: Partial<OpenAICompatibleOptions> = {}) {
  server = await startStubHttpServer(replies);
  recordedSleeps.length = 0;
  return createOpenAICompatibleModel({
    baseUrl: `${server.url}/v1/`,
    model: 'qwen3-8b',
    sleep: recordingSleep,
    retryBaseDelayMs: 10,
    ...options,
  });
}

const userOnly: ChatMessage[] = [{ role: 'user', content: 'Say hi' }];
const searchTool: ToolDefinition = {
  name: 'search',
  description: 'Search the catalogue',
  parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
};

describe('createOpenAICompatibleModel', () => {
  it('sends a Chat Completions request and maps a text answer', async () => {
    const model = await modelAgainst([{ body: completion({ content: 'Hi there' }) }], {
      apiKey: 'test-key-not-secret',
      headers: { 'x-team': 'foundry' },
      temperature: 0.3,
      maxOutputTokens: 256,
    });
    const result = await model.doGenerate({ messages: userOnly, tools: [], seed: 7 });

    expect(result).toEqual({
      text: 'Hi there',
      toolCalls: [],
      finishReason: 'stop',
      usage: { inputTokens: 120, outputTokens: 30 },
      responseModel: 'served-model-v2',
      responseId: 'chatcmpl-1',
    });
    const [request] = server!.requests;
    expect(request!.method).toBe('POST');
    expect(request!.url).toBe('/v1/chat/completions');
    expect(request!.headers['authorization']).toBe('Bearer test-key-not-secret');
    expect(request!.headers['x-team']).toBe('foundry');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.json).toEqual({
      model: 'qwen3-8b',
      messages: [{ role: 'user', content: 'Say hi' }],
      temperature: 0.3,
      max_tokens: 256,
      seed: 7,
      stream: false,
    });
    expect(model.provider).toBe('openai');
    expect(model.modelId).toBe('qwen3-8b');
  });

  it('maps tool definitions, assistant tool calls and tool results to the wire, and tool calls back', async () => {
    const model = await modelAgainst(
      [
        {
          body: completion(
            {
              content: null,
              tool_calls: [
                {
                  id: 'call_9',
                  type: 'function',
                  function: { name: 'search', arguments: '{"query":"red mug"}' },
                },
                { id: 'call_10', type: 'function', function: { name: 'search', arguments: '{"query":' } },
              ],
            },
            'tool_calls',
          ),
        },
      ],
      { providerName: 'vllm' },
    );
    const messages: ChatMessage[] = [
      { role: 'system', content: 'You shop.' },
      { role: 'user', content: 'Find a mug' },
      {
        role: 'assistant',
        content: '',
        toolCalls: [{ id: 'call_1', name: 'search', arguments: '{"query":"mug"}' }],
      },
      { role: 'tool', toolCallId: 'call_1', name: 'search', content: '3 results', isError: false },
      {
        role: 'assistant',
        content: 'Let me refine.',
        toolCalls: [{ id: 'call_2', name: 'search', arguments: '{' }],
      },
      { role: 'tool', toolCallId: 'call_2', name: 'search', content: 'bad arguments', isError: true },
    ];
    const result = await model.doGenerate({
      messages,
      tools: [searchTool],
      toolChoice: 'auto',
      temperature: 0,
    });

    expect(server!.requests[0]!.json).toEqual({
      model: 'qwen3-8b',
      messages: [
        { role: 'system', content: 'You shop.' },
        { role: 'user', content: 'Find a mug' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'search', arguments: '{"query":"mug"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '3 results' },
        {
          role: 'assistant',
          content: 'Let me refine.',
          tool_calls: [{ id: 'call_2', type: 'function', function: { name: 'search', arguments: '{' } }],
        },
        { role: 'tool', tool_call_id: 'call_2', content: 'bad arguments' },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'search',
            description: 'Search the catalogue',
            parameters: searchTool.parameters,
          },
        },
      ],
      tool_choice: 'auto',
      temperature: 0,
      stream: false,
    });
    expect(result.text).toBe('');
    expect(result.finishReason).toBe('tool_call');
    expect(result.toolCalls).toEqual([
      { id: 'call_9', name: 'search', arguments: '{"query":"red mug"}' },
      // Malformed arguments are kept verbatim: repairing them is a processor's job.
      { id: 'call_10', name: 'search', arguments: '{"query":' },
    ]);
    expect(model.provider).toBe('vllm');
  });

  it('treats tool calls next to finish_reason "stop" as a tool-call finish, and maps "length"', async () => {
    const model = await modelAgainst([
      {
        body: completion(
          {
            content: '',
            tool_calls: [{ id: 'c', type: 'function', function: { name: 'search', arguments: '{}' } }],
          },
          'stop',
        ),
      },
      { body: completion({ content: 'truncat' }, 'length') },
    ]);
    expect((await model.doGenerate({ messages: userOnly, tools: [searchTool] })).finishReason).toBe(
      'tool_call',
    );
    expect((await model.doGenerate({ messages: userOnly, tools: [] })).finishReason).toBe('length');
  });

  it('estimates usage when the server reports none', async () => {
    const body = completion({ content: 'abcdefgh' });
    delete (body as { usage?: unknown }).usage;
    const model = await modelAgainst([{ body }]);
    const result = await model.doGenerate({ messages: userOnly, tools: [] });
    expect(result.usage.outputTokens).toBe(2);
    expect(result.usage.inputTokens).toBeGreaterThan(0);
  });

  it('accounts cost from the configured prices', async () => {
    const model = await modelAgainst(
      [{ body: completion({ content: 'ok' }) }, { body: completion({ content: 'ok' }) }],
      {
        priceUsdPerMillionInputTokens: 0.5,
        priceUsdPerMillionOutputTokens: 2,
      },
    );
    const result = await model.doGenerate({ messages: userOnly, tools: [] });
    expect(result.costUsd).toBeCloseTo((120 * 0.5 + 30 * 2) / 1_000_000, 12);

    await server!.close();
    const unpriced = await modelAgainst([{ body: completion({ content: 'ok' }) }]);
    expect((await unpriced.doGenerate({ messages: userOnly, tools: [] })).costUsd).toBeUndefined();
  });

  it('retries a 429 and waits at least as long as Retry-After asks', async () => {
    const model = await modelAgainst([
      { status: 429, headers: { 'retry-after': '2' }, body: { error: { message: 'slow down' } } },
      { body: completion({ content: 'after the wait' }) },
    ]);
    const result = await model.doGenerate({ messages: userOnly, tools: [] });
    expect(result.text).toBe('after the wait');
    expect(server!.requests).toHaveLength(2);
    expect(recordedSleeps).toHaveLength(1);
    expect(recordedSleeps[0]).toBeGreaterThanOrEqual(2000);
  });

  it('retries a 500 then succeeds, with a backoff delay', async () => {
    const model = await modelAgainst([
      { status: 500, body: 'upstream exploded' },
      { body: completion({ content: 'recovered' }) },
    ]);
    const result = await model.doGenerate({ messages: userOnly, tools: [] });
    expect(result.text).toBe('recovered');
    expect(recordedSleeps).toHaveLength(1);
    expect(recordedSleeps[0]).toBeGreaterThanOrEqual(5);
    expect(recordedSleeps[0]).toBeLessThanOrEqual(10);
  });

  it('gives up after maxRetries on a persistent 500 with a TransientError', async () => {
    const model = await modelAgainst(
      Array.from({ length: 5 }, () => ({ status: 503, body: { message: 'overloaded' } })),
      { maxRetries: 2 },
    );
    const error = await model.doGenerate({ messages: userOnly, tools: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).code).toBe('MODEL_SERVER_ERROR');
    expect((error as TransientError).message).toContain('overloaded');
    expect(server!.requests).toHaveLength(3);
    expect(recordedSleeps).toHaveLength(2);
    // Exponential: the second wait is drawn from a range twice as high as the first.
    expect(recordedSleeps[1]!).toBeGreaterThanOrEqual(10);
  });

  it('reports a server that never answers as MODEL_TIMEOUT after retrying', async () => {
    const model = await modelAgainst([{ hang: true }, { hang: true }], { timeoutMs: 100, maxRetries: 1 });
    const started = Date.now();
    const error = await model.doGenerate({ messages: userOnly, tools: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).code).toBe('MODEL_TIMEOUT');
    expect(server!.requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('reports a refused connection as MODEL_UNREACHABLE', async () => {
    const model = await modelAgainst([], { maxRetries: 0 });
    const url = server!.url;
    await server!.close();
    server = undefined;
    const closed = createOpenAICompatibleModel({ baseUrl: `${url}/v1`, model: 'm', maxRetries: 0 });
    const error = await closed.doGenerate({ messages: userOnly, tools: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).code).toBe('MODEL_UNREACHABLE');
    expect(model.modelId).toBe('qwen3-8b');
  });

  it('reports a reset connection as MODEL_UNREACHABLE', async () => {
    const model = await modelAgainst([{ resetConnection: true }], { maxRetries: 0 });
    const error = await model.doGenerate({ messages: userOnly, tools: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).code).toBe('MODEL_UNREACHABLE');
  });

  it('turns 401 into a SystemError MODEL_AUTH without retrying', async () => {
    const model = await modelAgainst([
      { status: 401, body: { error: { message: 'Incorrect API key provided' } } },
    ]);
    const error = await model.doGenerate({ messages: userOnly, tools: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SystemError);
    expect((error as SystemError).code).toBe('MODEL_AUTH');
    expect(server!.requests).toHaveLength(1);
  });

  it('turns another 4xx into MODEL_REQUEST_REJECTED carrying the server message', async () => {
    const model = await modelAgainst([
      {
        status: 400,
        body: { object: 'error', message: "This model's maximum context length is 8192 tokens" },
      },
    ]);
    const error = await model.doGenerate({ messages: userOnly, tools: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SystemError);
    expect((error as SystemError).code).toBe('MODEL_REQUEST_REJECTED');
    expect((error as SystemError).message).toContain('maximum context length is 8192');
  });

  it.each([
    ['a body that is not JSON', '<html>gateway</html>', ''],
    ['JSON without choices', { id: 'x', object: 'chat.completion' }, 'choices'],
    ['an empty choices array', { choices: [] }, 'choices'],
    ['a choice without a message', { choices: [{ finish_reason: 'stop' }] }, 'choices[0].message'],
    [
      'tool_calls with wrong types',
      completion({
        content: null,
        tool_calls: [{ id: 'c', type: 'function', function: { name: 42, arguments: {} } }],
      }),
      'choices[0].message.tool_calls[0].function.name',
    ],
    ['an unknown finish_reason', completion({ content: 'x' }, 'exploded'), 'choices[0].finish_reason'],
  ])('rejects %s with an InputError naming the path', async (_label, body, path) => {
    const model = await modelAgainst([{ body }]);
    const error = await model.doGenerate({ messages: userOnly, tools: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    const inputError = error as InputError;
    expect(inputError.entity).toBe('model response');
    expect(inputError.source).toBe(`openai-compatible POST ${server!.url}/v1/chat/completions`);
    expect(inputError.issues.map((issue) => issue.path)).toContain(path);
    expect(server!.requests).toHaveLength(1);
  });

  it('stops with AbortedError when the caller aborts mid-call, without retrying', async () => {
    const model = await modelAgainst([{ hang: true }, { hang: true }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user pressed ctrl-c')), 50);
    const error = await model
      .doGenerate({ messages: userOnly, tools: [], signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect(server!.requests).toHaveLength(1);
  });

  it('rejects bad options at construction', () => {
    expect(() => createOpenAICompatibleModel({ baseUrl: 'not a url', model: '' })).toThrow(InputError);
    let thrown: unknown;
    try {
      createOpenAICompatibleModel({ baseUrl: 'ftp://x', model: 'm', timeoutMs: -1 });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).issues.map((issue) => issue.path).sort()).toEqual(['baseUrl', 'timeoutMs']);
  });
});
