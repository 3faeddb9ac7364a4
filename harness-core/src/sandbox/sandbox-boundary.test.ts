import { describe, expect, it } from 'vitest';
import { InputError, SandboxError } from '../errors.ts';
import { sha256Hex, verifyCodeProcessorRef } from './code-processor-contract.ts';
import {
  checkProcessorOptions,
  parseDescription,
  parseEmits,
  parsePatchJson,
  serializeHookArgs,
} from './sandbox-boundary.ts';
import { toSandboxErrorCode } from './sandbox-errors.ts';
import { DEFAULT_SANDBOX_LIMITS, resolveSandboxLimits } from './sandbox-limits.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SandboxError);
    return (error as SandboxError).code;
  }
  return undefined;
}

describe('serializeHookArgs', () => {
  it('keeps the hook data and the options, and leaves the context functions on the host', () => {
    const args = {
      episode: { turn: 2, messages: [{ role: 'user', content: 'hi' }] },
      call: { id: 'c1', name: 'look', arguments: '{}' },
      emit: () => undefined,
      random: () => 0.5,
      sleep: async () => undefined,
      execute: async () => ({ content: '', isError: false }),
    };
    expect(JSON.parse(serializeHookArgs('toolResult', args, { limit: 3 }, 10_000))).toEqual({
      episode: { turn: 2, messages: [{ role: 'user', content: 'hi' }] },
      call: { id: 'c1', name: 'look', arguments: '{}' },
      options: { limit: 3 },
    });
  });

  it('refuses arguments over the size cap or that are not serialisable', () => {
    expect(codeOf(() => serializeHookArgs('turnStart', { messages: ['x'.repeat(2000)] }, {}, 1024))).toBe(
      'SANDBOX_BAD_INPUT',
    );
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(codeOf(() => serializeHookArgs('turnStart', { cyclic }, {}, 1024))).toBe('SANDBOX_BAD_INPUT');
  });
});

describe('parsePatchJson', () => {
  it('returns a plain patch object', () => {
    expect(parsePatchJson('{"type":"request","appendUserMessage":"x"}', 'modelRequest', 1000)).toEqual({
      type: 'request',
      appendUserMessage: 'x',
    });
  });

  it('rejects prototype-pollution keys anywhere, oversized text, bad JSON and non-objects', () => {
    expect(codeOf(() => parsePatchJson('{"type":"x","__proto__":{"a":1}}', 'turnStart', 1000))).toBe(
      'SANDBOX_BAD_RESULT',
    );
    expect(
      codeOf(() => parsePatchJson('{"type":"x","m":[{"constructor":{"prototype":1}}]}', 'turnStart', 1000)),
    ).toBe('SANDBOX_BAD_RESULT');
    expect(codeOf(() => parsePatchJson(`{"type":"${'x'.repeat(100)}"}`, 'turnStart', 50))).toBe(
      'SANDBOX_BAD_RESULT',
    );
    expect(codeOf(() => parsePatchJson('{"type":', 'turnStart', 1000))).toBe('SANDBOX_BAD_RESULT');
    expect(codeOf(() => parsePatchJson('[1,2]', 'turnStart', 1000))).toBe('SANDBOX_BAD_RESULT');
    expect(({} as Record<string, unknown>)['a']).toBeUndefined();
  });
});

describe('parseDescription', () => {
  it('orders the hooks and validates meta', () => {
    expect(
      parseDescription(
        '{"hooks":["taskEnd","modelRequest"],"meta":{"dimension":"memory","description":"Notes."}}',
        'evolved-x',
      ),
    ).toEqual({ hooks: ['modelRequest', 'taskEnd'], meta: { dimension: 'memory', description: 'Notes.' } });
    expect(parseDescription('{"hooks":["turnEnd"],"meta":null}', 'evolved-x')).toEqual({
      hooks: ['turnEnd'],
      meta: undefined,
    });
  });

  it('names what is wrong with a bad meta or an empty processor', () => {
    expect(codeOf(() => parseDescription('{"hooks":[],"meta":null}', 'evolved-x'))).toBe(
      'SANDBOX_NO_PROCESSOR',
    );
    expect(
      codeOf(() =>
        parseDescription('{"hooks":["turnEnd"],"meta":{"dimension":"speed","description":"x"}}', 'e'),
      ),
    ).toBe('SANDBOX_BAD_META');
    expect(
      codeOf(() =>
        parseDescription('{"hooks":["turnEnd"],"meta":{"dimension":"memory","description":"x","x":1}}', 'e'),
      ),
    ).toBe('SANDBOX_BAD_META');
    expect(codeOf(() => parseDescription('{"hooks":["fly"],"meta":null}', 'e'))).toBe('SANDBOX_CRASHED');
  });
});

describe('parseEmits', () => {
  it('accepts <noun>-<verb> events with up to 16 primitive attributes', () => {
    expect(parseEmits([['tool-retried', { attempt: 2, ok: true, tool: 'take' }]], 32)).toEqual([
      ['tool-retried', { attempt: 2, ok: true, tool: 'take' }],
    ]);
  });

  it('rejects bad names, reserved or nested attributes and too many events', () => {
    expect(codeOf(() => parseEmits([['Retried', {}]], 32))).toBe('SANDBOX_BAD_RESULT');
    expect(codeOf(() => parseEmits([['tool-retried', { 'processor.id': 'spoof' }]], 32))).toBe(
      'SANDBOX_BAD_RESULT',
    );
    expect(codeOf(() => parseEmits([['tool-retried', { nested: { a: 1 } }]], 32))).toBe('SANDBOX_BAD_RESULT');
    expect(
      codeOf(() =>
        parseEmits(
          [
            ['a-b', {}],
            ['a-b', {}],
          ],
          1,
        ),
      ),
    ).toBe('SANDBOX_BAD_RESULT');
  });
});

describe('checkProcessorOptions', () => {
  it('copies JSON options and refuses the rest', () => {
    expect(checkProcessorOptions('p', { a: [1, 'x'] })).toEqual({ a: [1, 'x'] });
    expect(codeOf(() => checkProcessorOptions('p', JSON.parse('{"__proto__":{}}')))).toBe(
      'SANDBOX_BAD_INPUT',
    );
    expect(codeOf(() => checkProcessorOptions('p', { n: 10n }))).toBe('SANDBOX_BAD_INPUT');
    expect(codeOf(() => checkProcessorOptions('p', [1]))).toBe('SANDBOX_BAD_INPUT');
  });
});

describe('limits and codes', () => {
  it('fills in the documented defaults and rejects bad overrides with an InputError', () => {
    expect(DEFAULT_SANDBOX_LIMITS).toMatchObject({
      memoryLimitBytes: 16 * 1024 * 1024,
      deadlineMs: 50,
      instructionBudget: 4_000_000,
    });
    expect(resolveSandboxLimits({ deadlineMs: 20 }).deadlineMs).toBe(20);
    expect(() => resolveSandboxLimits({ deadlineMs: -1 })).toThrow(InputError);
    expect(() => resolveSandboxLimits({ timeoutMs: 5 } as never)).toThrow(InputError);
  });

  it('reads unknown worker codes as crashes', () => {
    expect(toSandboxErrorCode('SANDBOX_MEMORY')).toBe('SANDBOX_MEMORY');
    expect(toSandboxErrorCode('EVIL')).toBe('SANDBOX_CRASHED');
    expect(toSandboxErrorCode(undefined)).toBe('SANDBOX_CRASHED');
  });

  it('verifies the language, the length and the hash of a code reference', () => {
    const source = 'const processor = {};';
    const ref = {
      id: 'evolved-x',
      code: { language: 'js' as const, source, sha256: sha256Hex(source) },
      options: {},
    };
    expect(() => verifyCodeProcessorRef(ref)).not.toThrow();
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(
      codeOf(() => verifyCodeProcessorRef({ ...ref, code: { ...ref.code, sha256: sha256Hex('other') } })),
    ).toBe('SANDBOX_HASH_MISMATCH');
    expect(
      codeOf(() => verifyCodeProcessorRef({ ...ref, code: { ...ref.code, language: 'py' as 'js' } })),
    ).toBe('SANDBOX_BAD_SOURCE');
  });
});
