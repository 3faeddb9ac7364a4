/**
 * Hostile and broken processors: every escape attempt and every resource bomb must end as a
 * `SandboxError` with a stable code (or a harmless `undefined`), and never reach or crash the host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxError } from '../errors.ts';
import { sha256Hex } from './code-processor-contract.ts';
import { parsePatchJson } from './sandbox-boundary.ts';
import { DEFAULT_SANDBOX_LIMITS, type SandboxLimits } from './sandbox-limits.ts';
import { SandboxSession, shutdownSandboxWorkers } from './sandbox-session.ts';

const CANARY = 'harnessx-canary-7f3a9c';

beforeAll(() => {
  process.env['HARNESSX_SANDBOX_CANARY'] = CANARY;
});
afterAll(async () => {
  delete process.env['HARNESSX_SANDBOX_CANARY'];
  await shutdownSandboxWorkers();
});

function open(source: string, limits: Partial<SandboxLimits> = {}, seed = 1): Promise<SandboxSession> {
  return SandboxSession.open({
    processorId: 'hostile',
    source,
    sha256: sha256Hex(source),
    seed,
    limits: { ...DEFAULT_SANDBOX_LIMITS, ...limits },
  });
}

/** Runs `body` as the processor's `turnStart` and returns its result, or the SandboxError it raised. */
async function runHook(body: string, limits: Partial<SandboxLimits> = {}): Promise<unknown> {
  const session = await open(`const processor = { turnStart(args) { ${body} } };`, limits);
  try {
    const result = await session.call('turnStart', JSON.stringify({ messages: [] }));
    return result.patchJson === undefined ? undefined : JSON.parse(result.patchJson);
  } catch (error) {
    return error;
  } finally {
    session.close();
  }
}

function expectSandboxError(value: unknown, code: string): SandboxError {
  expect(value).toBeInstanceOf(SandboxError);
  expect((value as SandboxError).code).toBe(code);
  return value as SandboxError;
}

describe('runaway code', () => {
  it('stops an infinite loop with SANDBOX_TIMEOUT', async () => {
    const started = performance.now();
    expectSandboxError(await runHook('while (true) {}'), 'SANDBOX_TIMEOUT');
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('stops a loop through its instruction budget before the deadline when the budget is small', async () => {
    const error = expectSandboxError(
      await runHook('let i = 0; for (;;) { i += 1; }', { instructionBudget: 100_000, deadlineMs: 5000 }),
      'SANDBOX_TIMEOUT',
    );
    expect(error.message).toMatch(/budget of 100000 operations/);
  });

  it('stops a loop through its deadline when the budget is large', async () => {
    const error = expectSandboxError(
      await runHook('for (;;) {}', { instructionBudget: 1_000_000_000, deadlineMs: 20 }),
      'SANDBOX_TIMEOUT',
    );
    expect(error.message).toMatch(/20 ms deadline/);
  });

  it('terminates the worker when slow native calls evade the interrupt handler', async () => {
    const started = performance.now();
    const error = expectSandboxError(
      await runHook("const big = 'x'.repeat(1e6); while (true) { big.indexOf('y'); big.lastIndexOf('y'); }", {
        hardLimitGraceMs: 200,
      }),
      'SANDBOX_TIMEOUT',
    );
    expect(error.message).toMatch(/hard limit/);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('reports a recursion bomb as SANDBOX_STACK_OVERFLOW', async () => {
    expectSandboxError(
      await runHook('function f() { return f() + 1; } return f();'),
      'SANDBOX_STACK_OVERFLOW',
    );
  });

  it('contains a recursion bomb that catches its own stack overflows', async () => {
    const result = await runHook(
      'function f() { try { return f() + 1; } catch (e) { return f(); } } return f();',
      {
        hardLimitGraceMs: 200,
      },
    );
    expect(['SANDBOX_TIMEOUT', 'SANDBOX_STACK_OVERFLOW']).toContain((result as SandboxError).code);
  });

  it('reports deeply nested JSON as a stack overflow, not a host crash', async () => {
    expectSandboxError(await runHook("return JSON.parse('['.repeat(100000));"), 'SANDBOX_STACK_OVERFLOW');
  });

  it('stops a loop in top-level code at load', async () => {
    await expect(open('while (true) {} const processor = {};')).rejects.toMatchObject({
      code: 'SANDBOX_TIMEOUT',
    });
  });
});

describe('memory bombs', () => {
  it('stops a growing array of large strings with SANDBOX_MEMORY and keeps the host small', async () => {
    const before = process.memoryUsage().rss;
    expectSandboxError(
      await runHook("const a = []; while (true) a.push('x'.repeat(1e7) + a.length);"),
      'SANDBOX_MEMORY',
    );
    expect(process.memoryUsage().rss - before).toBeLessThan(300 * 1024 * 1024);
  });

  it('stops one huge allocation with SANDBOX_MEMORY', async () => {
    expectSandboxError(await runHook("return { type: 'x', s: 'y'.repeat(2 ** 28) };"), 'SANDBOX_MEMORY');
  });

  it('stops an array that grows forever', async () => {
    const result = await runHook('const a = []; while (true) a.push({ i: a.length, more: [1, 2, 3] });');
    expect(['SANDBOX_MEMORY', 'SANDBOX_TIMEOUT']).toContain((result as SandboxError).code);
  });

  it('honours a larger memory limit for code that needs it', async () => {
    const result = await runHook(
      "const a = []; for (let i = 0; i < 20; i++) a.push('x'.repeat(1e6)); return undefined;",
      {
        memoryLimitBytes: 64 * 1024 * 1024,
      },
    );
    expect(result).toBeUndefined();
  });
});

describe('escape attempts', () => {
  it('has no require, process, fetch, timers, Date or std/os modules', async () => {
    const names = [
      'require',
      'process',
      'fetch',
      'setTimeout',
      'setInterval',
      'Date',
      'std',
      'os',
      'Buffer',
      'eval',
    ];
    const result = await runHook(
      `return { type: 'history', messages: [], seen: ${JSON.stringify(names)}.map((n) => n + ':' + typeof globalThis[n]) };`,
    );
    expect((result as { seen: string[] }).seen).toEqual(names.map((name) => `${name}:undefined`));
  });

  it('throws a SandboxError for globalThis.process.env and leaks no host environment', async () => {
    const error = expectSandboxError(
      await runHook('return { type: "x", env: globalThis.process.env };'),
      'SANDBOX_THROWN',
    );
    expect(error.message).not.toContain(CANARY);
  });

  it('sees no host secret anywhere it can reach', async () => {
    const result = await runHook(`
      const seen = [];
      const visit = (value, depth) => {
        if (depth > 3 || value === null) return;
        if (typeof value === 'string') { seen.push(value); return; }
        if (typeof value !== 'object' && typeof value !== 'function') return;
        for (const key of Reflect.ownKeys(value)) {
          seen.push(String(key));
          const d = Object.getOwnPropertyDescriptor(value, key);
          if (d && 'value' in d) visit(d.value, depth + 1);
        }
      };
      visit(globalThis, 0);
      visit((function () { return this; })(), 0);
      return { type: 'history', messages: [], text: seen.join('|') };
    `);
    expect(JSON.stringify(result)).not.toContain(CANARY);
    expect(JSON.stringify(result)).not.toMatch(/HARNESSX_SANDBOX_CANARY|\/work\/|node_modules/);
  });

  it('blocks Function("return this")() and every other code generation from strings', async () => {
    for (const body of [
      "return Function('return this')();",
      "return (() => {}).constructor('return this')();",
      "return (async () => {}).constructor('return 1')();",
      "return (function* () {}).constructor('yield 1')();",
      "return eval('1 + 1');",
    ]) {
      const error = await runHook(body);
      expect(error, body).toBeInstanceOf(SandboxError);
      expect((error as SandboxError).code, body).toBe('SANDBOX_THROWN');
    }
  });

  it('cannot load modules: import() stays a rejected promise and import declarations do not parse', async () => {
    expect(await runHook("import('fs'); import('node:child_process'); return undefined;")).toBeUndefined();
    await expect(open("import fs from 'fs'; const processor = {};")).rejects.toMatchObject({
      code: 'SANDBOX_SYNTAX',
    });
  });

  it('cannot read the file system', async () => {
    for (const body of [
      "return require('fs').readFileSync('/etc/passwd', 'utf8');",
      "return std.loadFile('/etc/passwd');",
      "return os.open('/etc/passwd');",
    ]) {
      expectSandboxError(await runHook(body), 'SANDBOX_THROWN');
    }
  });

  it('keeps prototype pollution inside the sandbox and out of the host', async () => {
    const result = await runHook(`
      Object.prototype.polluted = 'yes';
      Array.prototype.push = function () { return 'hijacked'; };
      JSON.stringify = () => 'hijacked';
      return { type: 'history', messages: [], inside: ({}).polluted === undefined ? 'frozen' : 'polluted' };
    `);
    expect(result).toEqual({ type: 'history', messages: [], inside: 'frozen' });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('still lets ordinary code override inherited members on its own objects', async () => {
    const result = await runHook(`
      class NotFound extends Error { constructor(message) { super(message); this.name = 'NotFound'; } }
      const point = { x: 1 };
      point.toString = function () { return 'point'; };
      let caught = '';
      try { throw new NotFound('no apple'); } catch (error) { caught = error.name + ': ' + error.message; }
      return { type: 'history', messages: [], caught, point: String(point), plain: String({}) };
    `);
    expect(result).toEqual({
      type: 'history',
      messages: [],
      caught: 'NotFound: no apple',
      point: 'point',
      plain: '[object Object]',
    });
  });

  it('rejects prototype pollution in strict code with a SandboxError', async () => {
    expectSandboxError(await runHook("'use strict'; Object.prototype.polluted = 1;"), 'SANDBOX_THROWN');
  });

  it('rejects __proto__ keys in a returned patch on the host side', async () => {
    const session = await open(
      'const processor = { turnStart() { return JSON.parse(\'{"type":"history","messages":[],"__proto__":{"admin":true}}\'); } };',
    );
    const { patchJson } = await session.call('turnStart', '{}');
    session.close();
    let caught: unknown;
    try {
      parsePatchJson(patchJson!, 'turnStart', 1_000_000);
    } catch (error) {
      caught = error;
    }
    expectSandboxError(caught, 'SANDBOX_BAD_RESULT');
    expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
  });

  it('cannot replace the global emit or the intrinsics it relies on', async () => {
    const result = await runHook(
      "emit = null; JSON = null; return { type: 'history', messages: [], emit: typeof emit };",
    );
    expect(result).toEqual({ type: 'history', messages: [], emit: 'function' });
  });
});

describe('results', () => {
  it('rejects async hooks, non-object results and unserialisable patches with SANDBOX_BAD_RESULT', async () => {
    for (const body of [
      'return Promise.resolve(1);',
      'return 42;',
      'return [1];',
      'const o = {}; o.self = o; return o;',
    ]) {
      expectSandboxError(await runHook(body), 'SANDBOX_BAD_RESULT');
    }
  });

  it('caps the size of a returned patch', async () => {
    expectSandboxError(
      await runHook("return { type: 'history', pad: 'x'.repeat(5000) };", { maxResultBytes: 1024 }),
      'SANDBOX_BAD_RESULT',
    );
  });

  it('returns undefined as no patch', async () => {
    expect(await runHook('return undefined;')).toBeUndefined();
  });

  it('makes Math.random deterministic per seed', async () => {
    const source =
      'const processor = { turnStart() { return { type: "x", r: [Math.random(), Math.random()] }; } };';
    const draw = async (seed: number) => {
      const session = await open(source, {}, seed);
      const { patchJson } = await session.call('turnStart', '{}');
      session.close();
      return JSON.parse(patchJson!).r as number[];
    };
    const [a, b, c] = [await draw(7), await draw(7), await draw(8)];
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    for (const value of a) expect(value >= 0 && value < 1).toBe(true);
  });
});

describe('after a limit breach', () => {
  it('disables the session for the rest of the episode', async () => {
    const session = await open(
      'let calls = 0; const processor = { turnStart() { calls++; if (calls === 1) while (true) {} } };',
    );
    await expect(session.call('turnStart', '{}')).rejects.toMatchObject({ code: 'SANDBOX_TIMEOUT' });
    await expect(session.call('turnStart', '{}')).rejects.toMatchObject({ code: 'SANDBOX_DISABLED' });
    session.close();
  });

  it('keeps a session usable after an ordinary throw', async () => {
    const session = await open(
      "let calls = 0; const processor = { turnStart() { calls++; if (calls === 1) throw new Error('first'); return { type: 'x', calls }; } };",
    );
    await expect(session.call('turnStart', '{}')).rejects.toMatchObject({ code: 'SANDBOX_THROWN' });
    const { patchJson } = await session.call('turnStart', '{}');
    expect(JSON.parse(patchJson!)).toEqual({ type: 'x', calls: 2 });
    session.close();
  });

  it('leaves the host able to run a well-behaved processor', async () => {
    expect(await runHook("return { type: 'history', messages: args.messages };")).toEqual({
      type: 'history',
      messages: [],
    });
  });
});
