import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError, SystemError, TransientError } from '../errors.ts';
import { signAwsRequest } from './aws-sigv4.ts';
import { type BedrockConverseOptions, createBedrockConverseModel } from './bedrock-converse.ts';
import type { ChatMessage, ToolDefinition } from './model.ts';
import {
  type RecordedHttpRequest,
  type StubHttpReply,
  type StubHttpServer,
  startStubHttpServer,
} from './testing-http-server.ts';

let server: StubHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const MODEL_ID = 'anthropic.claude-3-haiku-20240307-v1:0';
const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'test-secret-not-real',
  sessionToken: 'session-1',
};
const fixedNow = () => new Date('2025-01-02T03:04:05Z');
const sleeps: number[] = [];

async function modelAgainst(replies: StubHttpReply[], options: Partial<BedrockConverseOptions> = {}) {
  server = await startStubHttpServer(replies);
  sleeps.length = 0;
  return createBedrockConverseModel({
    modelId: MODEL_ID,
    region: 'us-west-2',
    credentials,
    endpoint: server.url,
    now: fixedNow,
    retryBaseDelayMs: 10,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options,
  });
}

function converseAnswer(content: unknown[], stopReason = 'end_turn') {
  return {
    output: { message: { role: 'assistant', content } },
    stopReason,
    usage: { inputTokens: 200, outputTokens: 40, totalTokens: 240 },
    metrics: { latencyMs: 321 },
  };
}

const searchTool: ToolDefinition = {
  name: 'search',
  description: 'Search the catalogue',
  parameters: { type: 'object', properties: { query: { type: 'string' } } },
};

/** Recomputes the signature from what the server received: proves the header signs this exact request. */
function expectValidSignature(request: RecordedHttpRequest): void {
  const authorization = String(request.headers['authorization']);
  expect(authorization).toMatch(
    /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20250102\/us-west-2\/bedrock\/aws4_request, SignedHeaders=([a-z0-9-]+;)*[a-z0-9-]+, Signature=[0-9a-f]{64}$/,
  );
  expect(request.headers['x-amz-date']).toBe('20250102T030405Z');
  expect(request.headers['x-amz-content-sha256']).toBe(
    createHash('sha256').update(request.bodyText).digest('hex'),
  );
  expect(request.headers['x-amz-security-token']).toBe('session-1');
  const signedNames = /SignedHeaders=([^,]+)/.exec(authorization)![1]!.split(';');
  expect(signedNames).toEqual(
    expect.arrayContaining(['host', 'x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token']),
  );
  const resigned = signAwsRequest({
    method: request.method,
    url: `${server!.url}${request.url}`,
    headers: {
      'content-type': String(request.headers['content-type']),
      accept: String(request.headers['accept']),
    },
    body: request.bodyText,
    service: 'bedrock',
    region: 'us-west-2',
    credentials,
    date: fixedNow(),
    includeContentSha256Header: true,
  });
  expect(authorization).toBe(resigned.headers['authorization']);
}

describe('createBedrockConverseModel', () => {
  it('sends a signed Converse request and maps a text answer', async () => {
    const model = await modelAgainst([{ body: converseAnswer([{ text: 'Hello' }, { text: 'again' }]) }], {
      temperature: 0.2,
      maxOutputTokens: 512,
      priceUsdPerMillionInputTokens: 0.25,
      priceUsdPerMillionOutputTokens: 1.25,
    });
    const result = await model.doGenerate({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      tools: [],
    });

    expect(result).toEqual({
      text: 'Hello\nagain',
      toolCalls: [],
      finishReason: 'stop',
      usage: { inputTokens: 200, outputTokens: 40 },
      costUsd: (200 * 0.25 + 40 * 1.25) / 1_000_000,
    });
    const [request] = server!.requests;
    expect(request!.method).toBe('POST');
    expect(request!.url).toBe('/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse');
    expect(request!.json).toEqual({
      system: [{ text: 'Be brief.' }],
      messages: [{ role: 'user', content: [{ text: 'Hi' }] }],
      inferenceConfig: { maxTokens: 512, temperature: 0.2 },
    });
    expectValidSignature(request!);
    expect(model.provider).toBe('aws.bedrock');
    expect(model.modelId).toBe(MODEL_ID);
  });

  it('maps tool use both ways, merging consecutive tool results into one user message', async () => {
    const model = await modelAgainst([
      {
        body: converseAnswer(
          [
            { text: 'Checking.' },
            { toolUse: { toolUseId: 'tooluse_7', name: 'search', input: { query: 'blue mug', limit: 3 } } },
          ],
          'tool_use',
        ),
      },
    ]);
    const messages: ChatMessage[] = [
      { role: 'user', content: 'Find mugs' },
      {
        role: 'assistant',
        content: '',
        toolCalls: [
          { id: 'tu_1', name: 'search', arguments: '{"query":"mug"}' },
          { id: 'tu_2', name: 'search', arguments: '{"query": mug' },
        ],
      },
      { role: 'tool', toolCallId: 'tu_1', name: 'search', content: '2 mugs' },
      { role: 'tool', toolCallId: 'tu_2', name: 'search', content: 'arguments are not JSON', isError: true },
      { role: 'user', content: 'Prefer blue.' },
    ];
    const result = await model.doGenerate({ messages, tools: [searchTool], toolChoice: 'required' });

    expect(server!.requests[0]!.json).toEqual({
      messages: [
        { role: 'user', content: [{ text: 'Find mugs' }] },
        {
          role: 'assistant',
          content: [
            { toolUse: { toolUseId: 'tu_1', name: 'search', input: { query: 'mug' } } },
            { text: 'Arguments of tool call tu_2 (search), not a JSON object: {"query": mug' },
            { toolUse: { toolUseId: 'tu_2', name: 'search', input: {} } },
          ],
        },
        {
          role: 'user',
          content: [
            { toolResult: { toolUseId: 'tu_1', content: [{ text: '2 mugs' }], status: 'success' } },
            {
              toolResult: {
                toolUseId: 'tu_2',
                content: [{ text: 'arguments are not JSON' }],
                status: 'error',
              },
            },
            { text: 'Prefer blue.' },
          ],
        },
      ],
      toolConfig: {
        tools: [
          {
            toolSpec: {
              name: 'search',
              description: 'Search the catalogue',
              inputSchema: { json: searchTool.parameters },
            },
          },
        ],
        toolChoice: { any: {} },
      },
    });
    expect(result.text).toBe('Checking.');
    expect(result.finishReason).toBe('tool_call');
    expect(result.toolCalls).toEqual([
      { id: 'tooluse_7', name: 'search', arguments: '{"query":"blue mug","limit":3}' },
    ]);
    expectValidSignature(server!.requests[0]!);
  });

  it('leaves tools out for toolChoice "none" unless the history holds tool blocks', async () => {
    const model = await modelAgainst([
      { body: converseAnswer([{ text: 'a' }]) },
      { body: converseAnswer([{ text: 'b' }]) },
    ]);
    await model.doGenerate({
      messages: [{ role: 'user', content: 'x' }],
      tools: [searchTool],
      toolChoice: 'none',
    });
    expect(server!.requests[0]!.json).not.toHaveProperty('toolConfig');
    await model.doGenerate({
      messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: '', toolCalls: [{ id: 't', name: 'search', arguments: '{}' }] },
        { role: 'tool', toolCallId: 't', name: 'search', content: '' },
      ],
      tools: [searchTool],
      toolChoice: 'none',
    });
    const body = server!.requests[1]!.json as { toolConfig?: unknown; messages: unknown[] };
    expect(body.toolConfig).toEqual({ tools: [expect.objectContaining({ toolSpec: expect.anything() })] });
    // Converse rejects blank text, so an empty tool result is sent as a marker.
    expect(body.messages[2]).toEqual({
      role: 'user',
      content: [{ toolResult: { toolUseId: 't', content: [{ text: '(empty)' }], status: 'success' } }],
    });
  });

  it.each([
    ['max_tokens', 'length'],
    ['content_filtered', 'content_filter'],
    ['guardrail_intervened', 'content_filter'],
    ['stop_sequence', 'stop'],
  ])('maps stopReason %s to %s', async (stopReason, finishReason) => {
    const model = await modelAgainst([{ body: converseAnswer([{ text: 'x' }], stopReason) }]);
    expect(
      (await model.doGenerate({ messages: [{ role: 'user', content: 'x' }], tools: [] })).finishReason,
    ).toBe(finishReason);
  });

  it('retries a ThrottlingException 429 honouring Retry-After', async () => {
    const model = await modelAgainst([
      {
        status: 429,
        headers: {
          'x-amzn-ErrorType': 'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/',
          'retry-after': '1',
        },
        body: { message: 'Too many requests, please wait before trying again.' },
      },
      { body: converseAnswer([{ text: 'ok' }]) },
    ]);
    const result = await model.doGenerate({ messages: [{ role: 'user', content: 'x' }], tools: [] });
    expect(result.text).toBe('ok');
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(1000);
    // Each attempt is signed afresh.
    expectValidSignature(server!.requests[1]!);
  });

  it('gives up on a persistent ServiceUnavailableException with a TransientError', async () => {
    const unavailable = {
      status: 503,
      headers: { 'x-amzn-ErrorType': 'ServiceUnavailableException' },
      body: { message: 'Bedrock is unable to process your request.' },
    };
    const model = await modelAgainst([unavailable, unavailable], { maxRetries: 1 });
    const error = await model
      .doGenerate({ messages: [{ role: 'user', content: 'x' }], tools: [] })
      .catch((e) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect(error.code).toBe('MODEL_SERVER_ERROR');
    expect(server!.requests).toHaveLength(2);
  });

  it('maps ValidationException to MODEL_REQUEST_REJECTED and AccessDeniedException to MODEL_AUTH', async () => {
    const model = await modelAgainst([
      {
        status: 400,
        headers: { 'x-amzn-ErrorType': 'ValidationException' },
        body: { message: 'A conversation must alternate between user and assistant roles.' },
      },
      {
        status: 403,
        headers: { 'x-amzn-ErrorType': 'AccessDeniedException' },
        body: { message: 'not authorized' },
      },
    ]);
    const rejected = await model
      .doGenerate({ messages: [{ role: 'user', content: 'x' }], tools: [] })
      .catch((e) => e);
    expect(rejected).toBeInstanceOf(SystemError);
    expect(rejected.code).toBe('MODEL_REQUEST_REJECTED');
    expect(rejected.message).toContain('ValidationException');
    expect(rejected.message).toContain('must alternate');
    const denied = await model
      .doGenerate({ messages: [{ role: 'user', content: 'x' }], tools: [] })
      .catch((e) => e);
    expect(denied).toBeInstanceOf(SystemError);
    expect(denied.code).toBe('MODEL_AUTH');
    expect(server!.requests).toHaveLength(2);
  });

  it.each([
    [
      'no stopReason',
      { output: { message: { content: [] } }, usage: { inputTokens: 1, outputTokens: 1 } },
      'stopReason',
    ],
    [
      'a toolUse without a name',
      converseAnswer([{ toolUse: { toolUseId: 't', name: 5, input: {} } }], 'tool_use'),
      'output.message.content[0].toolUse.name',
    ],
    [
      'usage with a string',
      { ...converseAnswer([]), usage: { inputTokens: '1', outputTokens: 1 } },
      'usage.inputTokens',
    ],
  ])('rejects a response with %s as an InputError naming the path', async (_label, body, path) => {
    const model = await modelAgainst([{ body }]);
    const error = await model
      .doGenerate({ messages: [{ role: 'user', content: 'x' }], tools: [] })
      .catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.entity).toBe('model response');
    expect(error.source).toBe(
      `bedrock-converse POST ${server!.url}/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse`,
    );
    expect(error.issues.map((issue: { path: string }) => issue.path)).toContain(path);
  });

  it('takes region and credentials from the environment, and fails at construction without them', async () => {
    server = await startStubHttpServer([{ body: converseAnswer([{ text: 'env ok' }]) }]);
    const fromEnv = createBedrockConverseModel({
      modelId: MODEL_ID,
      endpoint: server.url,
      env: { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: 'env-secret' },
    });
    expect((await fromEnv.doGenerate({ messages: [{ role: 'user', content: 'x' }], tools: [] })).text).toBe(
      'env ok',
    );
    const authorization = String(server.requests[0]!.headers['authorization']);
    expect(authorization).toContain('Credential=AKIDENV/');
    expect(authorization).toContain('/eu-west-1/bedrock/aws4_request');
    expect(server.requests[0]!.headers['x-amz-security-token']).toBeUndefined();

    expect(() => createBedrockConverseModel({ modelId: MODEL_ID, env: { AWS_ACCESS_KEY_ID: 'a' } })).toThrow(
      /no AWS region/,
    );
    expect(() => createBedrockConverseModel({ modelId: MODEL_ID, region: 'us-east-1', env: {} })).toThrow(
      /no AWS credentials/,
    );
  });
});
