/**
 * Typed reads from a decoded attribute map, tolerant of the encodings exporters use: numbers as
 * `intValue` or `doubleValue` or numeric strings, booleans as strings.
 */
import type { AttributeValue } from './otlp-values.ts';
import type { AttributeMap } from './span-record.ts';

export function stringAttribute(attributes: AttributeMap, key: string): string | undefined {
  const value = attributes.get(key);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function numberAttribute(attributes: AttributeMap, key: string): number | undefined {
  const value = attributes.get(key);
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isNaN(parsed) && value !== 'NaN' ? undefined : parsed;
  }
  return undefined;
}

export function booleanAttribute(attributes: AttributeMap, key: string): boolean | undefined {
  const value = attributes.get(key);
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

/** The first present key's value as a number. */
export function firstNumberAttribute(attributes: AttributeMap, keys: readonly string[]): number | undefined {
  for (const key of keys) {
    const value = numberAttribute(attributes, key);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** The first present key's value as a string. */
export function firstStringAttribute(attributes: AttributeMap, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = stringAttribute(attributes, key);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** A value as an event attribute (`string | number | boolean`): structured values as JSON. */
export function scalarAttributeValue(value: AttributeValue): string | number | boolean {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

/** The subject after the operation in a span name: `chat gpt-4o` → `gpt-4o`. */
export function spanNameSubject(name: string, operation: string): string | undefined {
  return name.startsWith(`${operation} `) ? name.slice(operation.length + 1) : undefined;
}
