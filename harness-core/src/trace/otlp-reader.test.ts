import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { readOtlpDocument, readOtlpText, readTraceFile } from './otlp-reader.ts';
import { trajectoriesToOtlp } from './otlp-writer.ts';
import { withAssignedSpanIds } from './span-ids.ts';
import { createSyntheticTrajectories } from './synthetic-trajectories.ts';
import { FIXTURES, SEMCONV_DIRECTORY } from './test-support/trace-fixtures.ts';

const fixture = (name: string): string => join(FIXTURES, name);

async function readFixture(name: string) {
  return readTraceFile(fixture(name));
}

async function inputErrorOf(promise: Promise<unknown>): Promise<InputError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('foreign traces', () => {
  it('reads base64 ids, numeric 64-bit timestamps and intValues exactly, enum names, spans in any order', async () => {
    const { trajectories, unmapped, skipped } = await readFixture('foreign-base64-numbers.otlp.json');
    expect(unmapped).toEqual([]);
    expect(skipped).toEqual([]);
    const [episode] = trajectories;
    expect(episode).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      agentName: 'SupportBot',
      provider: 'anthropic',
      model: 'claude-sonnet-4',
      startTimeUnixNano: '1767225600000000001',
      endTimeUnixNano: '1767225602200000999',
      usage: { inputTokens: 390, outputTokens: 37, costUsd: 0 },
      extraAttributes: {
        'gen_ai.agent.id': 'agent-7',
        'gen_ai.conversation.id': 'conv-42',
        'app.request.sequence': '1152921504606846977',
      },
    });
    const [first, second] = episode?.turns ?? [];
    expect(first?.modelCall.spanId).toBe('a1b2c3d4e5f60718');
    expect(first?.modelCall.inputMessages).toEqual([{ role: 'user', content: 'Where is order A-17?' }]);
    expect(first?.modelCall.output?.toolCalls).toEqual([
      { id: 'call_1', name: 'lookup_order', arguments: '{"order_id":"A-17"}' },
    ]);
    expect(first?.toolCalls).toEqual([
      expect.objectContaining({
        spanId: '00f067aa0ba902b7',
        callId: 'call_1',
        arguments: '{"order_id":"A-17"}',
        result: '{"status":"shipped","items":3}',
        startTimeUnixNano: '1767225601000000123',
        endTimeUnixNano: '1767225601250000456',
      }),
    ]);
    expect(second?.modelCall.output).toEqual({
      text: 'Order A-17 has shipped.',
      toolCalls: [],
      finishReason: 'stop',
    });
  });

  it('reads OpenLLMetry indexed prompt/completion attributes and deprecated usage keys', async () => {
    const { trajectories, unmapped } = await readFixture('foreign-indexed-prompts.otlp.json');
    const [episode] = trajectories;
    // No invoke_agent span: the episode is synthesised from the model calls.
    expect(episode).toMatchObject({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      agentName: 'weather-app',
      provider: 'openai',
      model: 'gpt-4o-mini',
      outcome: 'success',
      usage: { inputTokens: 142, outputTokens: 39 },
    });
    expect(episode?.spanId).toBeUndefined();
    const [first, second] = episode?.turns ?? [];
    expect(first?.modelCall.responseModel).toBe('gpt-4o-mini-2024-07-18');
    expect(first?.modelCall.output).toEqual({
      text: '',
      toolCalls: [{ id: 'call_w1', name: 'get_weather', arguments: '{"location": "Paris"}' }],
      finishReason: 'tool_call',
    });
    expect(second?.modelCall.inputMessages).toEqual([
      { role: 'system', content: 'You are a weather assistant.' },
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: '',
        toolCalls: [{ id: 'call_w1', name: 'get_weather', arguments: '{"location": "Paris"}' }],
      },
      // the tool's name comes from the call it answers
      { role: 'tool', toolCallId: 'call_w1', name: 'get_weather', content: '{"temp_c": 14}' },
    ]);
    expect(second?.modelCall.output?.text).toBe('It is 14 °C in Paris.');
    expect(unmapped.map((span) => span.spanName)).toEqual(['weather_agent.workflow', 'get_weather.tool']);
    expect(unmapped[0]?.reason).toContain('not a GenAI span');
  });

  it('reads messages recorded as span events and in the inference-details event', async () => {
    const { trajectories } = await readFixture('foreign-span-events.otlp.json');
    const [episode] = trajectories;
    expect(episode).toMatchObject({
      agentName: 'Planner',
      provider: 'aws.bedrock',
      outcome: 'failure',
      success: false,
      reward: 0.25,
    });
    expect(episode?.events).toEqual([
      expect.objectContaining({
        name: 'gen_ai.evaluation.result',
        attributes: expect.objectContaining({ 'gen_ai.evaluation.score.label': 'fail' }),
      }),
    ]);
    const [first, second, third] = episode?.turns ?? [];
    expect(first?.modelCall.inputMessages).toEqual([
      { role: 'system', content: 'Plan trips.' },
      { role: 'user', content: 'Plan a day in Rome.' },
    ]);
    expect(first?.modelCall.output).toEqual({
      text: '',
      toolCalls: [{ id: 'tu_1', name: 'search_sights', arguments: '{"city":"Rome"}' }],
      finishReason: 'tool_call',
    });
    expect(first?.toolCalls[0]).toMatchObject({
      name: 'search_sights',
      isError: true,
      error: { type: 'TimeoutError', message: 'search backend timed out' },
    });
    expect(second?.modelCall.inputMessages.slice(2)).toEqual([
      {
        role: 'assistant',
        content: '',
        toolCalls: [{ id: 'tu_1', name: 'search_sights', arguments: '{"city":"Rome"}' }],
      },
      { role: 'tool', toolCallId: 'tu_1', name: 'search_sights', content: 'error: timed out' },
    ]);
    expect(second?.modelCall.output).toEqual({
      text: 'Start at the Colosseum.',
      toolCalls: [],
      finishReason: 'stop',
    });
    expect(third?.modelCall.inputMessages).toEqual([{ role: 'user', content: 'Anything else?' }]);
    expect(third?.modelCall.output?.text).toBe('No, enjoy Rome.');
  });

  it('reads OpenAI-form messages and tool definitions, keeps unknown parts, maps failures', async () => {
    const { trajectories } = await readFixture('foreign-openai-messages.otlp.json');
    const [episode] = trajectories;
    expect(episode).toMatchObject({
      outcome: 'error',
      success: false,
      error: { type: '_OTHER', message: 'budget exceeded' },
    });
    const [first, second] = episode?.turns ?? [];
    expect(first?.modelCall.inputMessages).toEqual([
      { role: 'system', content: 'You are a shopping assistant.' },
      {
        role: 'user',
        content: 'Find this lamp:',
        extraParts: [{ type: 'image_url', image_url: { url: 'https://example.com/lamp.png' } }],
      },
      {
        role: 'assistant',
        content: '',
        toolCalls: [{ id: 'call_s1', name: 'search', arguments: '{"query":"brass lamp"}' }],
      },
      { role: 'tool', toolCallId: 'call_s1', name: 'search', content: '[{"sku":"L-9","price":49}]' },
    ]);
    expect(first?.modelCall.tools).toEqual([
      {
        name: 'search',
        description: 'Search the catalogue',
        parameters: { type: 'object', properties: { query: { type: 'string' } } },
      },
    ]);
    expect(first?.modelCall.output).toEqual({
      text: 'L-9 is a brass lamp for $49.',
      toolCalls: [],
      finishReason: 'stop',
    });
    expect(second?.modelCall.inputMessages[0]?.extraParts).toEqual([
      { type: 'blob', modality: 'image', mime_type: 'image/png', content: 'iVBORw0KGgo=' },
    ]);
    expect(second?.modelCall.error).toEqual({
      type: 'rate_limit_exceeded',
      message: '429 Too Many Requests',
    });
  });

  it('reads gzip JSON Lines (the Collector file exporter) by magic bytes, joining a trace split over lines', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'harnessx-gzip-'));
    try {
      const renamed = join(directory, 'export-without-extension');
      await copyFile(fixture('collector-export.otlp.jsonl.gz'), renamed);
      for (const path of [fixture('collector-export.otlp.jsonl.gz'), renamed]) {
        const { trajectories } = await readTraceFile(path);
        expect(trajectories).toHaveLength(1);
        expect(trajectories[0]).toMatchObject({
          agentName: 'Pinger',
          spanId: '4000000000000001',
          provider: 'vllm',
        });
        expect(trajectories[0]?.turns[0]?.modelCall.output?.text).toBe('pong');
      }
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('lists spans it cannot map, with the reason, and synthesises episodes without invoke_agent', async () => {
    const { trajectories, unmapped } = await readFixture('foreign-http-span.otlp.json');
    expect(trajectories).toHaveLength(1);
    expect(trajectories[0]).toMatchObject({
      agentName: 'api-server',
      model: 'mistral-small',
      turns: [expect.anything()],
    });
    expect(unmapped).toEqual([
      expect.objectContaining({
        spanName: 'POST /v1/answer',
        reason: expect.stringContaining('not a GenAI span'),
      }),
      expect.objectContaining({
        spanName: 'embeddings mistral-embed',
        reason: expect.stringContaining('"embeddings"'),
      }),
      expect.objectContaining({ spanName: 'GET /healthz', traceId: '9c5e3f2a1b0d4c8e7f4a3b2c1d0e9f8a' }),
    ]);
  });
});

describe('bad and damaged input', () => {
  it('rejects a JSON file that is not OTLP, naming the file, the path and what was expected', async () => {
    const error = await inputErrorOf(readFixture('not-otlp.json'));
    expect(error.source).toBe(fixture('not-otlp.json'));
    expect(error.issues).toEqual([
      { path: 'resourceSpans', message: expect.stringContaining('expected an array') },
    ]);
  });

  it('rejects a file that is not JSON', async () => {
    const error = await inputErrorOf(readFixture('not-json.txt'));
    expect(error.issues[0]).toEqual({ path: 'line 1', message: expect.stringContaining('not valid JSON') });
  });

  it('rejects a file whose every span is unreadable, with each path', async () => {
    const error = await inputErrorOf(readFixture('bad-span-ids.otlp.json'));
    expect(error.issues.map((issue) => issue.path)).toEqual([
      'resourceSpans[0].scopeSpans[1].spans[0].traceId',
      'resourceSpans[0].scopeSpans[1].spans[1].traceId',
      'resourceSpans[0].scopeSpans[1].spans[2].traceId',
      'resourceSpans[0].scopeSpans[1].spans[3].traceId',
    ]);
    expect(error.message).toContain('32 hex digits or base64 of 16 bytes');
  });

  it('rejects empty and missing files', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'harnessx-empty-'));
    try {
      await writeFile(join(directory, 'empty.json'), '\n');
      expect((await inputErrorOf(readTraceFile(join(directory, 'empty.json')))).message).toContain('empty');
      expect((await inputErrorOf(readTraceFile(join(directory, 'missing.json')))).message).toContain(
        'cannot read',
      );
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('accepts an empty request as no episodes', () => {
    expect(readOtlpText('{}', 'empty')).toEqual({ trajectories: [], unmapped: [], skipped: [] });
    expect(readOtlpText('{"resourceSpans":[]}', 'empty').trajectories).toEqual([]);
  });

  it('salvages the episodes before the damage of a truncated file', async () => {
    const { trajectories, skipped } = await readFixture('corrupt-truncated.otlp.json');
    expect(trajectories.map((trajectory) => trajectory.traceId)).toEqual([
      '30d724c627964a7b8c43c30a1313e9b6',
      'e41cf5e3d684981ff6c0f7ae8c6ed18a',
    ]);
    expect(trajectories[0]?.turns).toHaveLength(2);
    expect(skipped).toEqual([
      { path: expect.stringMatching(/^line \d+$/), reason: expect.stringContaining('truncated') },
    ]);
  });

  it('skips a corrupt line of a JSON Lines file and reads the others', async () => {
    const { trajectories, skipped } = await readFixture('corrupt-lines.otlp.jsonl');
    expect(trajectories.map((trajectory) => trajectory.traceId)).toEqual([
      '30d724c627964a7b8c43c30a1313e9b6',
      'dc8fbc65a890fd809bfbbc88f4947d3d',
    ]);
    expect(skipped).toEqual([{ path: 'line 2', reason: expect.stringContaining('not valid JSON') }]);
  });

  it('salvages a truncated gzip stream', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'harnessx-gzip-cut-'));
    try {
      const batch = createSyntheticTrajectories({ episodes: 3, turnsPerEpisode: 2 });
      const lines = batch.map((trajectory) => JSON.stringify(trajectoriesToOtlp([trajectory]))).join('\n');
      const gzip = gzipSync(`${lines}\n`);
      const path = join(directory, 'cut.jsonl.gz');
      await writeFile(path, gzip.subarray(0, Math.floor(gzip.length * 0.8)));
      const { trajectories, skipped } = await readTraceFile(path);
      expect(trajectories.length).toBeGreaterThanOrEqual(1);
      expect(trajectories[0]).toEqual(withAssignedSpanIds(batch[0]!));
      expect(skipped.map((issue) => issue.path)).toContain('(gzip)');
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('keeps the good spans of a partly bad document and lists the bad ones', () => {
    const [trajectory] = createSyntheticTrajectories({ episodes: 1, turnsPerEpisode: 1 });
    const request = trajectoriesToOtlp([trajectory!]);
    const spans = request.resourceSpans[0]!.scopeSpans[0]!.spans as unknown[];
    spans.push({ traceId: trajectory!.traceId, spanId: 'zz', name: 'broken' }, 'not a span');
    const result = readOtlpDocument(request, 'partial');
    expect(result.trajectories).toHaveLength(1);
    expect(result.skipped).toEqual([
      expect.objectContaining({ path: 'resourceSpans[0].scopeSpans[0].spans[3].spanId' }),
      { path: 'resourceSpans[0].scopeSpans[0].spans[4]', reason: 'expected a span object' },
    ]);
  });

  it('lets only InputError escape for bad input', async () => {
    for (const text of [
      '[1,2]',
      '"x"',
      'null',
      '{"resourceSpans":{}}',
      '{"resourceSpans":[{"scopeSpans":[{"spans":[7]}]}]}',
    ]) {
      expect(() => readOtlpText(text, 'bad')).toThrow(InputError);
    }
  });
});

describe('liberal reading', () => {
  const traceId = 'abcdefabcdefabcdefabcdefabcdefab';
  const chat = (spanId: string, start: string, parent?: unknown) => ({
    trace_id: traceId,
    span_id: spanId,
    parent_span_id: parent,
    name: 'chat m',
    kind: 'SPAN_KIND_CLIENT',
    start_time_unix_nano: start,
    end_time_unix_nano: start,
    attributes: [
      { key: 'gen_ai.operation.name', value: { string_value: 'chat' } },
      { key: 'gen_ai.provider.name', value: { string_value: 'p' } },
      { key: 'gen_ai.request.model', value: { string_value: 'm' } },
    ],
  });

  it('accepts snake_case field names, all-zero and null parents, and orders calls by start time', () => {
    const agent = {
      trace_id: traceId,
      span_id: '1111111111111111',
      parent_span_id: '0000000000000000',
      name: 'invoke_agent A',
      kind: 1,
      start_time_unix_nano: '1',
      end_time_unix_nano: '99',
      attributes: [],
    };
    const result = readOtlpDocument(
      {
        resource_spans: [
          {
            scope_spans: [
              {
                spans: [
                  chat('3333333333333333', '30', null),
                  agent,
                  chat('2222222222222222', '20', '1111111111111111'),
                ],
              },
            ],
          },
        ],
      },
      'snake',
    );
    expect(result.trajectories[0]?.agentName).toBe('A');
    expect(result.trajectories[0]?.turns.map((turn) => turn.modelCall.spanId)).toEqual([
      '2222222222222222',
      '3333333333333333',
    ]);
  });

  it('maps the top-level invoke_agent and reports nested and extra ones', () => {
    const agent = (spanId: string, start: string, parent?: string) => ({
      traceId,
      spanId,
      parentSpanId: parent,
      name: `invoke_agent ${spanId.slice(0, 2)}`,
      startTimeUnixNano: start,
      attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: 'invoke_agent' } }],
    });
    const result = readOtlpDocument(
      {
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  agent('b1b1b1b1b1b1b1b1', '5', 'a1a1a1a1a1a1a1a1'),
                  agent('a1a1a1a1a1a1a1a1', '1'),
                  agent('c1c1c1c1c1c1c1c1', '9'),
                ],
              },
            ],
          },
        ],
      },
      'nested',
    );
    expect(result.trajectories.map((trajectory) => trajectory.spanId)).toEqual(['a1a1a1a1a1a1a1a1']);
    expect(result.unmapped.map((span) => [span.spanId, span.reason.split(' ')[0]])).toEqual([
      ['b1b1b1b1b1b1b1b1', 'nested'],
      ['c1c1c1c1c1c1c1c1', 'another'],
    ]);
  });

  it('reads JSON Lines whose lines mix numeric 64-bit timestamps, exactly', () => {
    const [trajectory] = createSyntheticTrajectories({ episodes: 1, turnsPerEpisode: 1 });
    const text = JSON.stringify(trajectoriesToOtlp([trajectory!])).replace(
      `"startTimeUnixNano":"${trajectory!.startTimeUnixNano}"`,
      `"startTimeUnixNano":${trajectory!.startTimeUnixNano}`,
    );
    const [read] = readOtlpText(`${text}\n{}\n`, 'jsonl').trajectories;
    expect(read?.startTimeUnixNano).toBe(trajectory!.startTimeUnixNano);
    expect(BigInt(read!.startTimeUnixNano) > 2n ** 53n).toBe(true);
  });
});

const examples = join(SEMCONV_DIRECTORY, 'examples');
const examplesPresent = existsSync(join(examples, 'agent-good.otlp.json'));
if (!examplesPresent) console.warn(`skipping the semantic-conventions examples: ${examples} does not exist`);

describe.skipIf(!examplesPresent)('the semantic conventions examples', () => {
  let directory = '';
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'harnessx-examples-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('reads agent-good: one episode, two turns, the tool call in the first', async () => {
    const { trajectories, unmapped, skipped } = await readTraceFile(join(examples, 'agent-good.otlp.json'));
    expect(unmapped).toEqual([]);
    expect(skipped).toEqual([]);
    const [episode] = trajectories;
    expect(episode).toMatchObject({
      agentName: 'WeatherAgent',
      provider: 'openai',
      model: 'gpt-4o-mini',
      usage: { inputTokens: 144, outputTokens: 69 },
    });
    expect(episode?.turns.map((turn) => turn.toolCalls.map((call) => call.name))).toEqual([
      ['get_weather'],
      [],
    ]);
    expect(episode?.turns[0]?.toolCalls[0]?.result).toBe('{"conditions":"rainy","temperature_f":57}');
    // system instructions become the leading system message; the second call records none
    expect(episode?.turns[0]?.modelCall.inputMessages.map((message) => message.role)).toEqual([
      'system',
      'user',
    ]);
    expect(episode?.turns[1]?.modelCall.inputMessages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: '',
        toolCalls: [
          { id: 'call_VSPygqKTWdrhaFErNvMV18Yl', name: 'get_weather', arguments: '{"location":"Paris"}' },
        ],
      },
      {
        role: 'tool',
        toolCallId: 'call_VSPygqKTWdrhaFErNvMV18Yl',
        name: 'get_weather',
        content: 'rainy, 57°F',
      },
    ]);
    expect(episode?.extraAttributes['gen_ai.agent.id']).toBe('agent-weather-1');
  });

  it('reads the docs examples and the deliberately bad spans without throwing', async () => {
    for (const name of ['docs-examples.otlp.json', 'bad-spans.otlp.json']) {
      const result = await readTraceFile(join(examples, name));
      expect(result.trajectories.length + result.unmapped.length).toBeGreaterThan(0);
    }
    const bad = await readTraceFile(join(examples, 'bad-spans.otlp.json'));
    const agent = bad.trajectories.find((trajectory) => trajectory.spanId === '2000000000000003');
    expect(agent?.extraAttributes['gen_ai.input.messages']).toEqual(expect.stringContaining("'role'"));
  });

  it('round-trips the good example through our writer to the same trajectory', async () => {
    const first = await readTraceFile(join(examples, 'agent-good.otlp.json'));
    const path = join(directory, 'again.otlp.json');
    await writeFile(path, JSON.stringify(trajectoriesToOtlp(first.trajectories)));
    const second = await readTraceFile(path);
    expect(second.trajectories).toEqual(first.trajectories);
    expect((await readFile(path, 'utf8')).length).toBeGreaterThan(0);
  });
});
