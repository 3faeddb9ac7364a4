/**
 * The ways a small model garbles a tool call's JSON arguments: single quotes, a trailing comma, a
 * missing closing brace, or a wrong key name (`object_name` for `object`).
 */
import type { RandomSource } from './seeded-random.ts';

export const MALFORMATIONS = ['single-quotes', 'trailing-comma', 'missing-brace', 'wrong-key'] as const;
export type Malformation = (typeof MALFORMATIONS)[number];

/** The arguments text as written when the call comes out garbled in the `kind` way. */
export function malformArguments(args: Readonly<Record<string, string>>, kind: Malformation): string {
  const entries = Object.entries(args);
  switch (kind) {
    case 'single-quotes':
      return `{${entries.map(([key, value]) => `'${key}': '${value}'`).join(', ')}}`;
    case 'trailing-comma':
      return `{${entries.map(([key, value]) => `${JSON.stringify(key)}: ${JSON.stringify(value)}`).join(', ')},}`;
    case 'missing-brace':
      return JSON.stringify(args).slice(0, -1);
    case 'wrong-key': {
      const renamed = entries.map(([key, value], index) => [index === 0 ? `${key}_name` : key, value]);
      return JSON.stringify(Object.fromEntries(renamed));
    }
  }
}

export function pickMalformation(random: RandomSource): Malformation {
  return MALFORMATIONS[Math.floor(random() * MALFORMATIONS.length)] ?? 'missing-brace';
}

/** Whether `text` is a well-formed JSON object. */
export function isWellFormedJsonObject(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
  } catch {
    return false;
  }
}
