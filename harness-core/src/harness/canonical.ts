/**
 * Canonical JSON (sorted keys, no undefined, no insignificant whitespace) and the sha256 content
 * id derived from it: equal content, equal id, whatever the key order or file format it came from.
 */
import { createHash } from 'node:crypto';
import type { HarnessSpec } from './spec.ts';

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortDeep(value));
}

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : sortDeep(item)));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) out[key] = sortDeep(item);
    }
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new TypeError('non-finite number in canonical JSON');
  return value;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** `sha256:<hex>` of the canonical JSON of a parsed (defaults filled) spec. */
export function harnessContentId(spec: HarnessSpec): string {
  return `sha256:${sha256Hex(canonicalJson(spec))}`;
}
