import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deepFreeze } from './freeze.ts';
import { frozenCopy } from './frozen-copy.ts';

/** Every object in `value` is frozen, and none is shared with `original`. */
function frozenAndSeparate(value: unknown, original: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (!Object.isFrozen(value) || value === original) return false;
  return Object.keys(value).every((key) =>
    frozenAndSeparate((value as Record<string, unknown>)[key], (original as Record<string, unknown>)[key]),
  );
}

/** The keys of every object, in order, so that key order is compared too. */
function shape(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return typeof value;
  return Object.keys(value).map((key) => [key, shape((value as Record<string, unknown>)[key])]);
}

function expectSameAsStructuredClone(value: unknown): void {
  const expected = deepFreeze(structuredClone(value));
  const copy = frozenCopy(value);
  expect(isDeepStrictEqual(copy, expected)).toBe(true);
  expect(shape(copy)).toEqual(shape(expected));
  expect(frozenAndSeparate(copy, value)).toBe(true);
}

describe('frozenCopy', () => {
  it('copies and freezes tool definitions', () => {
    const tools = [
      {
        name: 'take',
        description: 'take something',
        parameters: { type: 'object', properties: { object: { type: 'string' } }, required: ['object'] },
      },
    ];
    expectSameAsStructuredClone(tools);
    expect(Object.isFrozen(tools)).toBe(false);
  });

  it('makes what structuredClone makes, frozen, for any JSON-like value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => expectSameAsStructuredClone(value)),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(
        fc.anything({ withNullPrototype: true, withObjectString: true, withSparseArray: true }),
        (value) => expectSameAsStructuredClone(value),
      ),
      { numRuns: 300 },
    );
  });

  it('keeps a shared object shared, as structuredClone does', () => {
    const shared = { type: 'string' };
    const copy = frozenCopy({ a: shared, b: shared });
    expect(copy.a).toBe(copy.b);
    expect(copy.a).not.toBe(shared);
  });

  it('keeps what only structuredClone handles (dates, maps, own "__proto__" keys)', () => {
    expectSameAsStructuredClone({ when: new Date(0), index: new Map([[1, 'a']]) });
    expectSameAsStructuredClone(JSON.parse('{"__proto__": {"x": 1}, "y": 2}'));
    const decorated = Object.assign([1, 2], { extra: true });
    expectSameAsStructuredClone({ decorated });
  });

  it('fails as structuredClone fails on values it cannot clone', () => {
    expect(() => frozenCopy({ run: () => 1 })).toThrow(DOMException);
    expect(() => frozenCopy({ proxy: new Proxy({}, {}) })).toThrow(DOMException);
  });
});
