/**
 * Builds one JSON value from a run of tokens (see `json-stream-tokenizer.ts`). Used to
 * materialise only the parts of a large document that are needed, one span at a time.
 */
import type { JsonToken } from './json-stream-tokenizer.ts';
import { setOwnProperty } from './otlp-values.ts';

type Container = unknown[] | Record<string, unknown>;

export class JsonValueBuilder {
  private readonly stack: Container[] = [];
  private pendingKey: string | undefined;
  private result: unknown;
  private complete = false;

  /** Adds a token; returns true once the value is complete (then read `value`). */
  push(token: JsonToken): boolean {
    switch (token.type) {
      case 'begin-object':
        this.open({});
        return false;
      case 'begin-array':
        this.open([]);
        return false;
      case 'end-object':
      case 'end-array': {
        const finished = this.stack.pop();
        if (this.stack.length === 0) return this.finish(finished);
        return false;
      }
      case 'key':
        this.pendingKey = token.key;
        return false;
      case 'scalar':
        if (this.stack.length === 0) return this.finish(token.value);
        this.add(token.value);
        return false;
    }
  }

  get value(): unknown {
    return this.result;
  }

  get done(): boolean {
    return this.complete;
  }

  private open(container: Container): void {
    if (this.stack.length > 0) this.add(container);
    this.stack.push(container);
  }

  private add(value: unknown): void {
    const parent = this.stack[this.stack.length - 1];
    if (Array.isArray(parent)) parent.push(value);
    else if (parent !== undefined) setOwnProperty(parent, this.pendingKey ?? '', value);
  }

  private finish(value: unknown): boolean {
    this.result = value;
    this.complete = true;
    return true;
  }
}
