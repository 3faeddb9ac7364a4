import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonStreamTokenizer, JsonSyntaxError, type JsonToken } from './json-stream-tokenizer.ts';
import { JsonValueBuilder } from './json-value-builder.ts';

/** Feeds `text` in chunks of `size` characters and rebuilds every top-level value. */
function parseAll(text: string, size: number): unknown[] {
  const tokenizer = new JsonStreamTokenizer();
  const values: unknown[] = [];
  let builder = new JsonValueBuilder();
  const drain = (): void => {
    for (let token = tokenizer.next(); token !== undefined; token = tokenizer.next()) {
      if (builder.push(token)) {
        values.push(builder.value);
        builder = new JsonValueBuilder();
      }
    }
  };
  for (let start = 0; start < text.length; start += size) {
    tokenizer.write(text.slice(start, start + size));
    drain();
  }
  tokenizer.end();
  drain();
  return values;
}

/** JSON.parse rounds integers beyond 2^53; the tokenizer keeps them as bigint. Compare like with like. */
function asJsonParseSees(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(asJsonParseSees);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, asJsonParseSees(item)]));
  }
  return value;
}

function tokens(text: string): JsonToken[] {
  const tokenizer = new JsonStreamTokenizer();
  tokenizer.write(text);
  tokenizer.end();
  const out: JsonToken[] = [];
  for (let token = tokenizer.next(); token !== undefined; token = tokenizer.next()) out.push(token);
  return out;
}

describe('JsonStreamTokenizer', () => {
  it('gives the same values as JSON.parse for any chunking (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.integer({ min: 1, max: 17 }), (value, size) => {
        const text = JSON.stringify(value, null, size % 3);
        expect(asJsonParseSees(parseAll(text, size))).toEqual([JSON.parse(text)]);
      }),
      { numRuns: 300 },
    );
  });

  it('splits strings with escapes and surrogate pairs across chunks', () => {
    const text = JSON.stringify({ s: 'a\\"b\n\u00e9\ud83d\ude00 "quoted" \\\\' });
    for (const size of [1, 2, 3, 5]) expect(parseAll(text, size)).toEqual([JSON.parse(text)]);
  });

  it('reads a sequence of top-level values (JSON Lines)', () => {
    expect(parseAll('{"a":1}\n{"b":[true,null]}\n\n[2]\n', 4)).toEqual([{ a: 1 }, { b: [true, null] }, [2]]);
  });

  it('keeps integers beyond 2^53 exact as bigint, and the rest as numbers', () => {
    const [value] = parseAll(
      '{"t":1767225600000000001,"n":-9223372036854775808,"d":1.5e3,"s":9007199254740991}',
      7,
    );
    expect(value).toEqual({
      t: 1767225600000000001n,
      n: -9223372036854775808n,
      d: 1500,
      s: 9007199254740991,
    });
  });

  it('emits keys as key tokens', () => {
    expect(tokens('{"k":"v"}')).toEqual([
      { type: 'begin-object' },
      { type: 'key', key: 'k' },
      { type: 'scalar', value: 'v' },
      { type: 'end-object' },
    ]);
  });

  it.each([
    ['{"a" 1}', 'unexpected'],
    ['[1,]', 'unexpected'],
    ['{"a":1,}', 'unexpected'],
    ['[1 2]', 'unexpected'],
    ['{]', 'unexpected'],
    ['tru', 'unexpected'],
    ['[01]', 'unexpected'],
    ['{"a":"\\x"}', 'bad escape'],
  ])('rejects %s', (text, message) => {
    expect(() => tokens(text)).toThrow(message);
  });

  it('reports truncation with the line it happened on', () => {
    try {
      tokens('{\n"a": [1,\n2');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(JsonSyntaxError);
      expect((error as JsonSyntaxError).truncated).toBe(true);
      expect((error as JsonSyntaxError).line).toBe(3);
    }
  });

  it('recovers at the next line after skipToNextLine', () => {
    const tokenizer = new JsonStreamTokenizer();
    tokenizer.write('{"a":1}\n{"b": oops}\n{"c":3}\n');
    tokenizer.end();
    const values: unknown[] = [];
    let builder = new JsonValueBuilder();
    for (;;) {
      let token: JsonToken | undefined;
      try {
        token = tokenizer.next();
      } catch (error) {
        expect((error as JsonSyntaxError).line).toBe(2);
        tokenizer.skipToNextLine();
        builder = new JsonValueBuilder();
        continue;
      }
      if (token === undefined) break;
      if (builder.push(token)) {
        values.push(builder.value);
        builder = new JsonValueBuilder();
      }
    }
    expect(values).toEqual([{ a: 1 }, { c: 3 }]);
  });
});
