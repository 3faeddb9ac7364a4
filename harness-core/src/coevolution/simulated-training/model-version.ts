/**
 * A simulated model's id from its knobs, so that a trained simulated worker is a different model to
 * every cache keyed by model id (evaluations, policy ids) and the same knobs always give the same id.
 */
import { createHash } from 'node:crypto';
import {
  parseSimulatedWorkerOptions,
  type SimulatedWorkerOptions,
} from '../../testing/simulated-worker/simulated-worker-options.ts';

export const SIMULATED_MODEL_PREFIX = 'sim-';

function canonical(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(canonical);
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
  );
}

/**
 * `sim-` + the first 16 hex digits of the sha256 of the resolved options without `modelId` (the id
 * names the knobs, so it cannot be part of what it hashes). Defaults are filled in first: `{}` and
 * the spelled-out defaults get the same id.
 */
export function simulatedModelVersion(options: SimulatedWorkerOptions): string {
  const { modelId: _ignored, ...knobs } = parseSimulatedWorkerOptions(options);
  const digest = createHash('sha256')
    .update(JSON.stringify(canonical(knobs)))
    .digest('hex');
  return `${SIMULATED_MODEL_PREFIX}${digest.slice(0, 16)}`;
}
