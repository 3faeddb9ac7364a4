/**
 * An incremental JSON tokenizer: text goes in chunk by chunk, tokens come out as soon as they are
 * complete, and only the unfinished tail of the input is buffered. It accepts a sequence of
 * top-level values (one JSON document, or JSON Lines) and checks the grammar as it goes.
 *
 * Integers too large for a `Number` to hold exactly come out as `bigint`, so timestamps and
 * 64-bit counters survive. On a syntax error it throws `JsonSyntaxError`; the caller may then
 * `skipToNextLine()` and go on, which is how a corrupt line in a JSON Lines file is stepped over.
 */

export type JsonScalar = string | number | bigint | boolean | null;

export type JsonToken =
  | { readonly type: 'begin-object' }
  | { readonly type: 'end-object' }
  | { readonly type: 'begin-array' }
  | { readonly type: 'end-array' }
  | { readonly type: 'key'; readonly key: string }
  | { readonly type: 'scalar'; readonly value: JsonScalar };

export class JsonSyntaxError extends Error {
  readonly line: number;
  readonly truncated: boolean;
  constructor(message: string, line: number, truncated: boolean) {
    super(message);
    this.name = 'JsonSyntaxError';
    this.line = line;
    this.truncated = truncated;
  }
}

const BEGIN_OBJECT: JsonToken = { type: 'begin-object' };
const END_OBJECT: JsonToken = { type: 'end-object' };
const BEGIN_ARRAY: JsonToken = { type: 'begin-array' };
const END_ARRAY: JsonToken = { type: 'end-array' };

/** What the grammar allows next inside the innermost container (or at the top level). */
enum Expect {
  Value = 0,
  ValueOrEnd = 1,
  CommaOrEnd = 2,
  Key = 3,
  KeyOrEnd = 4,
  Colon = 5,
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const NUMBER_CHARACTER = /[0-9.eE+-]/;
const CONTROL_CHARACTER = /[\u0000-\u001f]/;
const LITERALS: readonly [string, JsonScalar][] = [
  ['true', true],
  ['false', false],
  ['null', null],
];
const COMPACT_AT = 1 << 16;

export class JsonStreamTokenizer {
  private buffer = '';
  private position = 0;
  private ended = false;
  private skippingLine = false;
  /** How far past the current token's start a string has been searched for its closing quote. */
  private stringSearchedTo = 0;
  /** Container stack: true for objects, false for arrays. */
  private readonly containers: boolean[] = [];
  private expect: Expect = Expect.Value;
  private currentLine = 1;
  /** Line on which the most recent token started. */
  tokenLine = 1;

  /** Characters held for tokens not yet complete: bounded by a chunk plus the longest token. */
  get bufferedCharacters(): number {
    return this.buffer.length - this.position;
  }

  /** Nesting depth after the last token (0 between top-level values). */
  get depth(): number {
    return this.containers.length;
  }

  write(chunk: string): void {
    if (this.position >= COMPACT_AT || this.position === this.buffer.length) {
      this.buffer = this.buffer.slice(this.position);
      this.position = 0;
    }
    this.buffer += chunk;
  }

  end(): void {
    this.ended = true;
  }

  /**
   * Drops the rest of the current line and resets to the top level: the recovery step after a
   * syntax error in JSON Lines input.
   */
  skipToNextLine(): void {
    this.containers.length = 0;
    this.expect = Expect.Value;
    this.stringSearchedTo = 0;
    this.skippingLine = true;
  }

  /** The next token, or `undefined` when more input is needed (or, after `end()`, none is left). */
  next(): JsonToken | undefined {
    for (;;) {
      if (this.skippingLine && !this.discardLine()) return undefined;
      if (!this.skipWhitespace()) {
        if (this.ended && this.containers.length > 0) {
          throw new JsonSyntaxError('input ended inside a JSON value (truncated)', this.currentLine, true);
        }
        return undefined;
      }
      this.tokenLine = this.currentLine;
      const code = this.buffer.charCodeAt(this.position);
      if (code === 0x2c /* , */) {
        this.punctuation(Expect.CommaOrEnd, this.top() ? Expect.Key : Expect.Value, ',');
        continue;
      }
      if (code === 0x3a /* : */) {
        this.punctuation(Expect.Colon, Expect.Value, ':');
        continue;
      }
      return this.token(code);
    }
  }

  private top(): boolean | undefined {
    return this.containers[this.containers.length - 1];
  }

  private fail(message: string): never {
    throw new JsonSyntaxError(`${message} at line ${this.currentLine}`, this.currentLine, false);
  }

  private punctuation(required: Expect, then: Expect, char: string): void {
    if (this.expect !== required) this.fail(`unexpected '${char}'`);
    this.position++;
    this.expect = then;
  }

  private discardLine(): boolean {
    const newline = this.buffer.indexOf('\n', this.position);
    if (newline === -1) {
      this.position = this.buffer.length;
      if (this.ended) this.skippingLine = false;
      return false;
    }
    this.position = newline;
    this.skippingLine = false;
    return true;
  }

  private skipWhitespace(): boolean {
    const buffer = this.buffer;
    let position = this.position;
    while (position < buffer.length) {
      const code = buffer.charCodeAt(position);
      if (code === 0x0a) this.currentLine++;
      else if (code !== 0x20 && code !== 0x09 && code !== 0x0d && code !== 0xfeff) break;
      position++;
    }
    this.position = position;
    return position < buffer.length;
  }

  private afterValue(): void {
    this.expect = this.containers.length === 0 ? Expect.Value : Expect.CommaOrEnd;
  }

  private token(code: number): JsonToken | undefined {
    switch (code) {
      case 0x7b /* { */:
        this.requireValue('{');
        this.position++;
        this.containers.push(true);
        this.expect = Expect.KeyOrEnd;
        return BEGIN_OBJECT;
      case 0x5b /* [ */:
        this.requireValue('[');
        this.position++;
        this.containers.push(false);
        this.expect = Expect.ValueOrEnd;
        return BEGIN_ARRAY;
      case 0x7d /* } */:
        return this.close(true, END_OBJECT);
      case 0x5d /* ] */:
        return this.close(false, END_ARRAY);
      case 0x22 /* " */:
        return this.stringToken();
      default:
        this.requireValue(this.buffer[this.position] ?? '');
        return code === 0x2d || (code >= 0x30 && code <= 0x39) ? this.numberToken() : this.literalToken();
    }
  }

  private requireValue(char: string): void {
    if (this.expect !== Expect.Value && this.expect !== Expect.ValueOrEnd) this.fail(`unexpected '${char}'`);
  }

  private close(isObject: boolean, token: JsonToken): JsonToken {
    const allowed = isObject
      ? this.expect === Expect.KeyOrEnd || this.expect === Expect.CommaOrEnd
      : this.expect === Expect.ValueOrEnd || this.expect === Expect.CommaOrEnd;
    if (!allowed || this.top() !== isObject) this.fail(`unexpected '${isObject ? '}' : ']'}'`);
    this.position++;
    this.containers.pop();
    this.afterValue();
    return token;
  }

  private stringToken(): JsonToken | undefined {
    const isKey = this.expect === Expect.Key || this.expect === Expect.KeyOrEnd;
    if (!isKey) this.requireValue('"');
    const buffer = this.buffer;
    const start = this.position;
    // A long string may arrive over many chunks: resume the search where the last one stopped.
    let end = buffer.indexOf('"', start + Math.max(1, this.stringSearchedTo));
    for (;;) {
      if (end === -1) {
        if (this.ended)
          throw new JsonSyntaxError('input ended inside a string (truncated)', this.currentLine, true);
        // Step back over trailing backslashes: the quote they escape may be in the next chunk.
        let from = buffer.length;
        while (from > start + 1 && buffer.charCodeAt(from - 1) === 0x5c) from--;
        this.stringSearchedTo = from - start;
        return undefined;
      }
      let backslashes = 0;
      while (buffer.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes++;
      if (backslashes % 2 === 0) break;
      end = buffer.indexOf('"', end + 1);
    }
    this.stringSearchedTo = 0;
    let text = buffer.slice(start + 1, end);
    // A raw line break cannot be inside a JSON string: the string was cut off (a corrupt line).
    if (CONTROL_CHARACTER.test(text)) this.fail('unterminated string');
    if (text.includes('\\')) {
      try {
        text = JSON.parse(buffer.slice(start, end + 1)) as string;
      } catch {
        this.fail('bad escape in string');
      }
    }
    this.position = end + 1;
    if (isKey) {
      this.expect = Expect.Colon;
      return { type: 'key', key: text };
    }
    this.afterValue();
    return { type: 'scalar', value: text };
  }

  private numberToken(): JsonToken | undefined {
    if (!this.ended) {
      // A number cut by the chunk boundary ("1.", "2e", "-") must wait for the rest.
      let end = this.position;
      while (end < this.buffer.length && NUMBER_CHARACTER.test(this.buffer[end] ?? '')) end++;
      if (end === this.buffer.length) return undefined;
    }
    NUMBER.lastIndex = this.position;
    const match = NUMBER.exec(this.buffer);
    if (match === null) this.fail('bad number');
    const lexeme = match[0];
    this.position += lexeme.length;
    this.afterValue();
    const value = Number(lexeme);
    if (!Number.isSafeInteger(value) && /^-?\d+$/.test(lexeme))
      return { type: 'scalar', value: BigInt(lexeme) };
    return { type: 'scalar', value };
  }

  private literalToken(): JsonToken | undefined {
    for (const [text, value] of LITERALS) {
      if (this.buffer.charCodeAt(this.position) !== text.charCodeAt(0)) continue;
      const available = this.buffer.slice(this.position, this.position + text.length);
      if (available.length < text.length && !this.ended && text.startsWith(available)) return undefined;
      if (available !== text) break;
      this.position += text.length;
      this.afterValue();
      return { type: 'scalar', value };
    }
    return this.fail(`unexpected character '${this.buffer[this.position]}'`);
  }
}
