import { describe, expect, it } from 'vitest';
import type { GenerateRequest } from '../providers/model.ts';
import { runEpisode } from '../runtime/run-episode.ts';
import { ScriptedEnvironment, scriptedTool } from '../testing/scripted-environment.ts';
import { ScriptedModel } from '../testing/scripted-model.ts';
import { processorEpisode } from './support/episode-test-kit.ts';
import { createHookContextDouble } from './support/hook-context-double.ts';
import { repairJson } from './support/json-repair.ts';
import { conformToSchema, describeSchemaShape } from './support/json-schema-check.ts';
import {
  repairToolArguments,
  toolArgumentRepair,
  toolArgumentRepairOptionsSchema,
} from './tool-argument-repair.ts';

const take = scriptedTool('take', { object: 'string', source: 'string' });
const options = toolArgumentRepairOptionsSchema.parse({});

describe('repairJson', () => {
  it.each([
    ['single quotes', "{'object': 'apple', 'source': 'table'}", { object: 'apple', source: 'table' }],
    ['trailing commas', '{"object": "apple", "items": [1, 2,],}', { object: 'apple', items: [1, 2] }],
    ['unquoted keys', '{object: "apple", source: "table"}', { object: 'apple', source: 'table' }],
    [
      'bare-word values',
      '{object: red apple, count: 2, ok: True}',
      { object: 'red apple', count: 2, ok: true },
    ],
    [
      'missing closing braces',
      '{"object": "apple", "where": {"source": "table"',
      { object: 'apple', where: { source: 'table' } },
    ],
    ['an unterminated string', '{"object": "apple', { object: 'apple' }],
    ['a code fence', '```json\n{"object": "apple"}\n```', { object: 'apple' }],
    ['prose around the object', 'Sure! {"object": "apple"} is what I will take.', { object: 'apple' }],
    ['a JSON string inside a string', '"{\\"object\\": \\"apple\\"}"', { object: 'apple' }],
    ['empty arguments', '  ', {}],
  ])('repairs %s', (_name, text, expected) => {
    const result = repairJson(text);
    expect(result).toMatchObject({ ok: true, value: expected });
    if (result.ok) expect(result.repairs.length).toBeGreaterThan(0);
  });

  it('leaves valid JSON untouched and reports no repair', () => {
    expect(repairJson('{"object": "it\'s, {fine}"}')).toEqual({
      ok: true,
      value: { object: "it's, {fine}" },
      repairs: [],
    });
  });

  it('keeps quotes and commas inside strings while repairing around them', () => {
    expect(repairJson("{'text': 'say \"hi\", then go',}")).toMatchObject({
      ok: true,
      value: { text: 'say "hi", then go' },
    });
  });

  it('fails on text with no JSON in it, with the parser message', () => {
    const result = repairJson('take the apple');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/JSON|Unexpected/);
  });
});

describe('conformToSchema', () => {
  const conform = (value: unknown) => conformToSchema(value, take.parameters, options);

  it('maps a near-miss key to the one missing property it can mean', () => {
    const result = conform({ object_name: 'apple', source: 'table' });
    expect(result.value).toEqual({ object: 'apple', source: 'table' });
    expect(result.issues).toEqual([]);
    expect(result.fixes).toEqual(['renamed "object_name" to "object"']);
  });

  it('does not map a key that could mean two missing properties', () => {
    const schema = scriptedTool('put', { object_a: 'string', object_b: 'string' }).parameters;
    const result = conformToSchema({ object: 'apple' }, schema, options);
    expect(result.fixes).toEqual([]);
    expect(result.issues).toEqual(['missing "object_a"', 'missing "object_b"', 'unexpected key "object"']);
  });

  it('coerces exact scalar conversions and reports wrong types that cannot be converted', () => {
    const schema = scriptedTool('wait', { seconds: 'integer', label: 'string' }).parameters;
    expect(conformToSchema({ seconds: '3', label: 7 }, schema, options).value).toEqual({
      seconds: 3,
      label: '7',
    });
    expect(conformToSchema({ seconds: 'soon', label: 'x' }, schema, options).issues).toEqual([
      '"seconds" must be integer, got string',
    ]);
  });

  it('reports a __proto__ key as unexpected and never writes a prototype', () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "object": "apple", "source": "table"}');
    const result = conform(value);
    expect(result.issues).toEqual(['unexpected key "__proto__"']);
    expect(Object.getPrototypeOf(result.value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('wraps a lone value into the only property', () => {
    const schema = scriptedTool('go_to', { target: 'string' }).parameters;
    expect(conformToSchema('kitchen', schema, options).value).toEqual({ target: 'kitchen' });
  });

  it('describes the expected shape in one line', () => {
    expect(describeSchemaShape(take.parameters)).toBe('{"object": string, "source": string}');
    expect(
      describeSchemaShape({
        type: 'object',
        properties: {
          dir: { enum: ['north', 'south'] },
          steps: { type: 'array', items: { type: 'integer' } },
        },
        required: ['dir'],
      }),
    ).toBe('{"dir": "north" | "south", "steps"?: integer[]}');
  });
});

describe('repairToolArguments', () => {
  it('names exactly what is missing and the expected shape', () => {
    expect(repairToolArguments({ name: 'take', arguments: '{"object": "apple"}' }, take, options)).toEqual({
      kind: 'invalid',
      message: 'Error: take expects {"object": string, "source": string}; missing "source".',
      repairs: [],
    });
  });

  it('reports unrepairable JSON with the parser message and the expected shape', () => {
    const outcome = repairToolArguments({ name: 'take', arguments: 'the apple please' }, take, options);
    expect(outcome.kind).toBe('invalid');
    if (outcome.kind === 'invalid') {
      expect(outcome.message).toContain('not valid JSON');
      expect(outcome.message).toContain('take expects {"object": string, "source": string}');
    }
  });

  it('returns compact JSON for repaired arguments and the original text for valid ones', () => {
    const valid = '{ "object": "apple", "source": "table" }';
    expect(repairToolArguments({ name: 'take', arguments: valid }, take, options)).toEqual({
      kind: 'valid',
      arguments: valid,
      repairs: [],
    });
    const repaired = repairToolArguments(
      { name: 'take', arguments: "{object: 'apple', source: 'table'" },
      take,
      options,
    );
    expect(repaired).toMatchObject({ kind: 'valid', arguments: '{"object":"apple","source":"table"}' });
  });

  it('with syntax repair off, malformed JSON is reported instead of repaired', () => {
    const strict = toolArgumentRepairOptionsSchema.parse({ repairSyntax: false });
    expect(repairToolArguments({ name: 'take', arguments: "{'object': 'apple'}" }, take, strict).kind).toBe(
      'invalid',
    );
  });
});

describe('tool-argument-repair hooks', () => {
  it('rewrites the calls in the response so the history holds the repaired call', async () => {
    const hooks = toolArgumentRepair.create(options);
    const ctx = createHookContextDouble({ tools: [take] });
    const patch = await hooks.modelResponse?.({
      ...ctx,
      response: {
        text: '',
        finishReason: 'tool_call',
        toolCalls: [
          { id: 'a', name: 'take', arguments: "{'object_name': 'apple', 'source': 'table'}" },
          { id: 'b', name: 'look', arguments: '{bad' },
        ],
      },
    });
    expect(patch).toEqual({
      type: 'response',
      toolCalls: [
        { id: 'a', name: 'take', arguments: '{"object":"apple","source":"table"}' },
        { id: 'b', name: 'look', arguments: '{bad' },
      ],
    });
    expect(ctx.emitted[0]?.name).toBe('tool-arguments-repaired');
  });

  it('intercepts an invalid call with the error instead of running it, and passes unknown tools', async () => {
    const hooks = toolArgumentRepair.create(options);
    const ctx = createHookContextDouble({ tools: [take] });
    const call = { id: 'a', name: 'take', arguments: '{"object": "apple"}' };
    expect(await hooks.toolCall?.({ ...ctx, call, tool: take })).toEqual({
      type: 'tool-call',
      action: 'intercept',
      result: 'Error: take expects {"object": string, "source": string}; missing "source".',
      isError: true,
    });
    expect(
      await hooks.toolCall?.({ ...ctx, call: { ...call, name: 'fly' }, tool: undefined }),
    ).toBeUndefined();
  });
});

describe('tool-argument-repair end to end', () => {
  const environment = () =>
    new ScriptedEnvironment({
      tools: [take, scriptedTool('finish')],
      handlers: {
        take(args, env) {
          env.solved = args['object'] === 'apple' && args['source'] === 'table';
          return `You take the ${String(args['object'])} from the ${String(args['source'])}.`;
        },
      },
    });
  const lastToolResult = (request: GenerateRequest) =>
    [...request.messages].reverse().find((m) => m.role === 'tool');
  /** Test double: the model writes the arguments it is scripted with, then finishes unless the call failed. */
  const model = (takeArguments: string) =>
    new ScriptedModel([
      { toolCalls: [{ name: 'take', arguments: takeArguments }] },
      (request) =>
        lastToolResult(request)?.isError
          ? { text: 'I could not take it.' }
          : { toolCalls: [{ name: 'finish', arguments: '{}' }] },
    ]);

  it.each([
    ['single quotes and a trailing comma', "{'object': 'apple', 'source': 'table',}"],
    ['a near-miss key', '{"object_name": "apple", "source": "table"}'],
    ['a missing closing brace in a code fence', '```json\n{"object": "apple", "source": "table"\n```'],
  ])('fails without the processor and succeeds with it: %s', async (_name, takeArguments) => {
    const without = environment();
    const plain = await runEpisode(processorEpisode({ environment: without, model: model(takeArguments) }));
    expect(plain.success).toBe(false);
    expect(plain.trajectory.turns[0]?.toolCalls[0]?.isError).toBe(true);

    const withRepair = environment();
    const repaired = await runEpisode(
      processorEpisode({
        environment: withRepair,
        model: model(takeArguments),
        processors: [{ id: 'tool-argument-repair' }],
      }),
    );
    expect(repaired.success).toBe(true);
    expect(withRepair.stepsOf('take')[0]?.arguments).toEqual({ object: 'apple', source: 'table' });
  });

  it('answers a call missing a key with the expected shape, so the model can correct it', async () => {
    const env = environment();
    const scripted = new ScriptedModel([
      { toolCalls: [{ name: 'take', arguments: '{"object": "apple"}' }] },
      (request) => {
        const error = lastToolResult(request)?.content ?? '';
        // Test double of a model that fixes exactly the key the error names.
        return error.includes('"source": string') && error.includes('missing "source"')
          ? { toolCalls: [{ name: 'take', arguments: '{"object": "apple", "source": "table"}' }] }
          : { text: 'giving up' };
      },
      { toolCalls: [{ name: 'finish', arguments: '{}' }] },
    ]);
    const result = await runEpisode(
      processorEpisode({ environment: env, model: scripted, processors: [{ id: 'tool-argument-repair' }] }),
    );
    expect(result.success).toBe(true);
    expect(env.stepsOf('take')).toHaveLength(1);
    expect(result.trajectory.turns[0]?.toolCalls[0]).toMatchObject({
      resultSource: 'processor',
      isError: true,
    });
  });
});
