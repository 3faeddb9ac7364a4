import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { generateResultSchema, parseModelResult } from './model-result.ts';

const validResult = {
  text: 'hello',
  toolCalls: [{ id: 'c1', name: 'go_to', arguments: '{"target":"kitchen"}' }],
  finishReason: 'tool_call',
  usage: { inputTokens: 12, outputTokens: 3 },
};

describe('parseModelResult', () => {
  it('copies a well-formed result without unknown keys, in schema order', () => {
    const parsed = parseModelResult(
      {
        zz: 1,
        costUsd: 0.5,
        usage: { outputTokens: 3, inputTokens: 12, cached: 4 },
        finishReason: 'tool_call',
        responseModel: 'm-1',
        toolCalls: [{ arguments: '{}', name: 'go_to', id: 'c1', index: 0 }],
        text: 'hi',
      },
      'test',
    );
    expect(Object.keys(parsed)).toEqual([
      'text',
      'toolCalls',
      'finishReason',
      'usage',
      'responseModel',
      'costUsd',
    ]);
    expect(parsed.toolCalls).toEqual([{ id: 'c1', name: 'go_to', arguments: '{}' }]);
    expect(Object.keys(parsed.toolCalls[0]!)).toEqual(['id', 'name', 'arguments']);
    expect(parsed.usage).toEqual({ inputTokens: 12, outputTokens: 3 });
  });

  it('keeps an optional key given as undefined, as the schema does', () => {
    const parsed = parseModelResult({ ...validResult, responseId: undefined }, 'test');
    expect(Object.hasOwn(parsed, 'responseId')).toBe(true);
    expect(parsed.responseId).toBeUndefined();
  });

  it.each([
    ['a missing text', { ...validResult, text: undefined }],
    ['an unknown finish reason', { ...validResult, finishReason: 'done' }],
    ['a fractional token count', { ...validResult, usage: { inputTokens: 1.5, outputTokens: 0 } }],
    ['a negative token count', { ...validResult, usage: { inputTokens: -1, outputTokens: 0 } }],
    ['an empty call id', { ...validResult, toolCalls: [{ id: '', name: 'x', arguments: '' }] }],
    ['parsed arguments', { ...validResult, toolCalls: [{ id: 'c', name: 'x', arguments: {} }] }],
    ['an infinite cost', { ...validResult, costUsd: Number.POSITIVE_INFINITY }],
    ['a numeric response model', { ...validResult, responseModel: 7 }],
  ])('rejects %s with an InputError naming the source', (_label, value) => {
    expect(() => parseModelResult(value, 'bench:instant')).toThrow(InputError);
    expect(() => parseModelResult(value, 'bench:instant')).toThrow(/bench:instant/);
  });

  it('accepts and builds exactly what the schema does, for any mix of good and bad fields', () => {
    const call = fc.record({
      id: fc.oneof(fc.string({ maxLength: 2 }), fc.constant(1)),
      name: fc.oneof(fc.string({ maxLength: 2 }), fc.constant(null)),
      arguments: fc.oneof(fc.string(), fc.constant({})),
      extra: fc.constant(true),
    });
    const count = fc.oneof(fc.nat(), fc.integer({ min: -3, max: -1 }), fc.double(), fc.constant('1'));
    const optional = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, fc.constant(undefined));
    const result = fc.record(
      {
        text: optional(fc.string()),
        toolCalls: fc.oneof(fc.array(call, { maxLength: 3 }), fc.constant('none')),
        finishReason: fc.constantFrom('stop', 'tool_call', 'length', 'content_filter', 'error', 'other'),
        usage: fc.oneof(fc.record({ inputTokens: count, outputTokens: count }), fc.constant(null)),
        responseModel: optional(fc.oneof(fc.string(), fc.constant(3))),
        responseId: optional(fc.string()),
        costUsd: optional(fc.double()),
        unknown: fc.string(),
      },
      { requiredKeys: ['toolCalls', 'finishReason'] },
    );
    fc.assert(
      fc.property(result, (value) => {
        const reference = generateResultSchema.safeParse(value);
        let parsed: unknown;
        try {
          parsed = parseModelResult(value, 'test');
        } catch (error) {
          expect(error).toBeInstanceOf(InputError);
          expect(reference.success).toBe(false);
          return;
        }
        expect(reference.success).toBe(true);
        expect(parsed).toStrictEqual(reference.data);
        expect(Object.keys(parsed as object)).toEqual(Object.keys(reference.data as object));
      }),
      { numRuns: 1000 },
    );
  });
});
