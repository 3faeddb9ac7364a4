/**
 * A small builder for OTLP attribute lists that encodes each value with the type the GenAI
 * conventions expect (`int` as `intValue`, `double` as `doubleValue`, `string[]` as an
 * `arrayValue`) and writes each key at most once.
 */
import type { OtlpKeyValue } from './otlp-types.ts';
import { encodeAnyValue, encodeDouble } from './otlp-values.ts';

export class OtlpAttributeList {
  readonly entries: OtlpKeyValue[] = [];
  private readonly keys = new Set<string>();

  has(key: string): boolean {
    return this.keys.has(key);
  }

  private push(key: string, value: OtlpKeyValue['value']): this {
    if (this.keys.has(key)) return this;
    this.keys.add(key);
    this.entries.push({ key, value });
    return this;
  }

  string(key: string, value: string | undefined): this {
    return value === undefined ? this : this.push(key, { stringValue: value });
  }

  /** An `int` attribute; non-integral input is rounded, since the conventions type it as int. */
  int(key: string, value: number | undefined): this {
    if (value === undefined || !Number.isFinite(value)) return this;
    const rounded = Math.round(value);
    return this.push(key, {
      intValue: Number.isSafeInteger(rounded) ? String(rounded) : BigInt(rounded).toString(),
    });
  }

  double(key: string, value: number | undefined): this {
    return value === undefined ? this : this.push(key, encodeDouble(value));
  }

  bool(key: string, value: boolean | undefined): this {
    return value === undefined ? this : this.push(key, { boolValue: value });
  }

  strings(key: string, values: readonly string[]): this {
    return this.push(key, { arrayValue: { values: values.map((stringValue) => ({ stringValue })) } });
  }

  /** A structured value written as a JSON string, as the conventions ask of span attributes. */
  json(key: string, value: unknown): this {
    return value === undefined ? this : this.push(key, { stringValue: JSON.stringify(value) });
  }

  /** Any JS value with its natural encoding (numbers as int when integral). */
  value(key: string, value: unknown): this {
    const encoded = encodeAnyValue(value);
    return encoded === undefined ? this : this.push(key, encoded);
  }
}
