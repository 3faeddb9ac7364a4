/**
 * Every input that crosses a boundary — harness files, trace files, model responses, CLI flags —
 * is parsed with a schema. This feeds well over 50 malformed inputs through the real entry points
 * and asserts that only `InputError` escapes (never a TypeError, RangeError or crash), and that
 * each error names its source.
 */

import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../harness-core/src/cli/io.ts';
import { main } from '../../harness-core/src/cli/main.ts';
import { InputError } from '../../harness-core/src/errors.ts';
import { parseHarnessText } from '../../harness-core/src/harness/load.ts';
import { createBuiltinRegistry } from '../../harness-core/src/processors/index.ts';
import { createOpenAICompatibleModel } from '../../harness-core/src/providers/openai-compatible.ts';
import { parseModelResult } from '../../harness-core/src/runtime/model-result.ts';
import { readTraceFile } from '../../harness-core/src/trace/otlp-reader.ts';

const header =
  'schemaVersion: harnessx.harness/1\nname: h\nmodels: { worker: { provider: simulated, model: m } }\n';

const harnessInputs: [string, string][] = [
  ['unparseable YAML', 'name: [unclosed'],
  ['empty file', ''],
  ['a bare scalar', '42'],
  ['a list', '- a\n- b'],
  ['null document', 'null'],
  ['missing schemaVersion', 'name: h\nmodels: { worker: { provider: a, model: b } }'],
  ['future schema version', header.replace('/1', '/2')],
  ['name with spaces', header.replace('name: h', 'name: My Harness')],
  ['name far too long', header.replace('name: h', `name: ${'a'.repeat(5000)}`)],
  ['models missing', 'schemaVersion: harnessx.harness/1\nname: h'],
  ['worker without model', 'schemaVersion: harnessx.harness/1\nname: h\nmodels: { worker: { provider: a } }'],
  ['empty provider', header.replace('provider: simulated', 'provider: ""')],
  ['processors not a list', `${header}processors: goal-pin`],
  ['processor id in capitals', `${header}processors: [{ id: GoalPin }]`],
  ['negative budget', `${header}budgets: { maxTurns: -1 }`],
  ['budget as text', `${header}budgets: { maxTurns: lots }`],
  ['unknown top-level key', `${header}surprise: true`],
  ['prototype pollution key', `${header}slots: { __proto__: { polluted: true } }`],
  [
    'code processor with a bad hash',
    `${header}processors: [{ id: evolved, code: { language: js, source: "x", sha256: nope } }]`,
  ],
  [
    'yaml alias bomb',
    `a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]`,
  ],
  ['binary junk', '\u0000\u0001\u0002\uFFFD\uFFFE'],
  ['tab-indented YAML', 'schemaVersion: harnessx.harness/1\nmodels:\n\tworker: {}'],
];

const resolveInputs: [string, string][] = [
  ['unknown processor', `${header}processors: [{ id: no-such-processor }]`],
  [
    'processor option of the wrong type',
    `${header}processors: [{ id: loop-guard, options: { maxRepeats: "two" } }]`,
  ],
  ['unknown processor option', `${header}processors: [{ id: goal-pin, options: { colour: red } }]`],
  ['processor listed twice', `${header}processors: [{ id: goal-pin }, { id: goal-pin }]`],
  ['processor at a version that does not exist', `${header}processors: [{ id: goal-pin, version: 7 }]`],
];

describe('harness files', () => {
  it.each(harnessInputs)('%s -> InputError naming the file', (_label, text) => {
    expect(() => parseHarnessText(text, 'bad.yaml')).toThrow(InputError);
    expect(() => parseHarnessText(text, 'bad.yaml')).toThrow(/bad\.yaml/);
  });

  it('a JSON harness with a trailing comma -> InputError', () => {
    expect(() => parseHarnessText('{"schemaVersion": "harnessx.harness/1",}', 'bad.json')).toThrow(
      InputError,
    );
  });

  it.each(resolveInputs)('%s -> InputError with the processor path', (_label, text) => {
    const spec = parseHarnessText(text, 'bad.yaml');
    expect(() => createBuiltinRegistry().resolve(spec.processors, 'bad.yaml')).toThrow(InputError);
    expect(() => createBuiltinRegistry().resolve(spec.processors, 'bad.yaml')).toThrow(/processors\[\d\]/);
  });
});

const span = (extra: Record<string, unknown>) =>
  JSON.stringify({
    resourceSpans: [
      {
        scopeSpans: [
          {
            spans: [
              {
                traceId: '0af7651916cd43dd8448eb211c80319c',
                spanId: 'b7ad6b7169203331',
                name: 'chat m',
                startTimeUnixNano: '1',
                endTimeUnixNano: '2',
                attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: 'chat' } }],
                ...extra,
              },
            ],
          },
        ],
      },
    ],
  });

const traceInputs: [string, string | Buffer][] = [
  ['empty file', ''],
  ['not JSON', 'hello world'],
  ['a JSON array', '[1,2,3]'],
  ['a JSON number', '42'],
  ['resourceSpans not a list', '{"resourceSpans": 5}'],
  ['truncated JSON', span({}).slice(0, 120)],
  [
    'gzip header then garbage',
    Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from('garbage')]),
  ],
  ['gzip of not-JSON', gzipSync('not json at all')],
  ['binary junk', Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x02, 0x03])],
  ['trace id that is not hex or base64', span({ traceId: 'not-an-id!' })],
  ['span id of the wrong length', span({ spanId: 'abc' })],
  ['start time that is not a number', span({ startTimeUnixNano: 'yesterday' })],
  ['attributes not a list', span({ attributes: { a: 1 } })],
  [
    'intValue that is not an integer',
    span({ attributes: [{ key: 'gen_ai.usage.input_tokens', value: { intValue: 'abc' } }] }),
  ],
  [
    'input messages that are not JSON',
    span({ attributes: [{ key: 'gen_ai.input.messages', value: { stringValue: '{oops' } }] }),
  ],
  ['span without a trace id', span({ traceId: undefined })],
  ['JSONL with a broken line', `${span({})}\n{not json\n`],
  ['deeply nested junk', `${'['.repeat(5000)}${']'.repeat(5000)}`],
];

describe('trace files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'harnessx-malformed-'));
  });

  it.each(traceInputs)('%s -> InputError or a reported skip, nothing else', async (label, content) => {
    const path = join(dir, `${label.replace(/\W+/g, '-')}.json`);
    await writeFile(path, content);
    try {
      const result = await readTraceFile(path);
      // A partly readable file is allowed: what was skipped must be reported.
      expect(result.skipped.length + result.unmapped.length).toBeGreaterThan(0);
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).message).toContain(path);
    }
  });

  it('a file that does not exist -> InputError', async () => {
    await expect(readTraceFile(join(dir, 'missing.json'))).rejects.toBeInstanceOf(InputError);
  });
});

const modelBodies: [string, string][] = [
  ['not JSON', '<html>502 Bad Gateway</html>'],
  ['empty body', ''],
  ['choices missing', '{"id":"x"}'],
  ['choices empty', '{"choices":[]}'],
  ['message null', '{"choices":[{"message":null,"finish_reason":"stop"}]}'],
  [
    'tool_calls not a list',
    '{"choices":[{"message":{"role":"assistant","content":null,"tool_calls":{}},"finish_reason":"tool_calls"}]}',
  ],
  [
    'tool call arguments a number',
    '{"choices":[{"message":{"role":"assistant","content":null,"tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":5}}]},"finish_reason":"tool_calls"}]}',
  ],
  [
    'usage as strings',
    '{"choices":[{"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":"many","completion_tokens":1}}',
  ],
  ['a JSON string', '"hello"'],
];

describe('model responses', () => {
  let server: Server;
  let body = '';
  let baseUrl = '';
  beforeAll(async () => {
    // Test double: an HTTP server that answers chat completions with whatever body the test sets.
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each(modelBodies)('%s -> InputError naming the endpoint', async (_label, text) => {
    body = text;
    const model = createOpenAICompatibleModel({ baseUrl, model: 'm', maxRetries: 0 });
    const error = await model
      .doGenerate({ messages: [{ role: 'user', content: 'hi' }], tools: [] })
      .catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toContain('127.0.0.1');
  });

  const results: [string, unknown][] = [
    ['undefined', undefined],
    ['text missing', { toolCalls: [], finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 } }],
    [
      'negative usage',
      { text: '', toolCalls: [], finishReason: 'stop', usage: { inputTokens: -1, outputTokens: 1 } },
    ],
    [
      'unknown finish reason',
      { text: '', toolCalls: [], finishReason: 'bored', usage: { inputTokens: 1, outputTokens: 1 } },
    ],
    [
      'tool call without a name',
      {
        text: '',
        toolCalls: [{ id: 'a', arguments: '{}' }],
        finishReason: 'tool_call',
        usage: { inputTokens: 1, outputTokens: 1 },
      },
    ],
  ];
  it.each(results)('a ModelV1 returning %s -> InputError', (_label, value) => {
    expect(() => parseModelResult(value, 'custom:model')).toThrow(InputError);
  });
});

function captureIo(): CliIo & { err: () => string } {
  let err = '';
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  const errSink = Object.assign(
    new Writable({
      write: (chunk, _e, cb) => {
        err += String(chunk);
        cb();
      },
    }),
    { isTTY: false },
  ) as unknown as NodeJS.WriteStream;
  return {
    stdout: sink,
    stderr: errSink,
    env: {},
    signal: new AbortController().signal,
    notice: () => {},
    err: () => err,
  };
}

const flagInputs: string[][] = [
  ['run', '--harness', 'examples/harnesses/baseline.yaml', '--k', '0'],
  ['run', '--harness', 'examples/harnesses/baseline.yaml', '--k', 'abc'],
  ['run', '--harness', 'examples/harnesses/baseline.yaml', '--split', 'test'],
  ['run', '--harness', 'examples/harnesses/baseline.yaml', '--suite', 'nope'],
  ['run', '--harness', 'examples/harnesses/baseline.yaml', '--concurrency', '-3'],
  ['run', '--harness', 'examples/harnesses/baseline.yaml', '--colour'],
  ['run'],
  ['run', '--harness', 'does/not/exist.yaml'],
  ['trace'],
  ['trace', 'inspect'],
  ['trace', 'inspect', '--frobnicate', 'x.json'],
  ['schema', 'nope'],
  ['schema', 'harness', 'extra'],
  ['compare', '--k', '1.5'],
  ['evolve'],
  ['evolve', '--project', 'examples/projects/household.yaml', '--cycles', '0'],
  ['evolve', '--project', 'no/such/project.yaml'],
];

describe('command-line flags', () => {
  it.each(flagInputs.map((argv) => [argv.join(' '), argv]))(
    'harnessx %s -> exit 2 with an explanation',
    async (_l, argv) => {
      const io = captureIo();
      const code = await main(argv as string[], io);
      expect(code).toBe(2);
      expect(io.err()).toMatch(/invalid|unknown|expected/i);
    },
  );
});

describe('count', () => {
  it('feeds at least 50 malformed inputs', () => {
    const total =
      harnessInputs.length +
      1 +
      resolveInputs.length +
      traceInputs.length +
      1 +
      modelBodies.length +
      5 +
      flagInputs.length;
    expect(total).toBeGreaterThanOrEqual(50);
  });
});
