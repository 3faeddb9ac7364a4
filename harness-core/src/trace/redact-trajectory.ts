/**
 * Applies a `Redactor` to every free-text string of a trajectory (message content, tool arguments
 * and results, event and extra attributes, names) before it is serialised. Structural fields
 * (ids, timestamps, enums) are left alone so the trace stays well-formed.
 */

import { setOwnProperty } from './otlp-values.ts';
import type { Redactor } from './redaction.ts';
import type { Trajectory } from './trajectory.ts';

/** Fields whose strings are identifiers or enum members, never free text. */
const STRUCTURAL_KEYS = new Set([
  'traceId',
  'spanId',
  'startTimeUnixNano',
  'endTimeUnixNano',
  'timeUnixNano',
  'outcome',
  'role',
  'finishReason',
  'resultSource',
  'operationName',
]);

function redactValue(value: unknown, redactor: Redactor, depth: number): unknown {
  if (typeof value === 'string') return redactor.redact(value);
  if (value === null || typeof value !== 'object' || depth > 100) return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, redactor, depth + 1));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    setOwnProperty(out, key, STRUCTURAL_KEYS.has(key) ? item : redactValue(item, redactor, depth + 1));
  }
  return out;
}

/** Returns a redacted deep copy; the input is not modified. */
export function redactTrajectory(trajectory: Trajectory, redactor: Redactor): Trajectory {
  return redactValue(trajectory, redactor, 0) as Trajectory;
}
