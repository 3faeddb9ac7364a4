/** `digestTrajectories`: the Digest stage over trajectories already in memory. */
import type { Trajectory } from '../../trace/trajectory.ts';
import type { Digest } from '../artifacts/digest.ts';
import { createDigestBuilder } from './digest-builder.ts';
import type { DigestOptions } from './digest-options.ts';

/**
 * Digests a batch of trajectories: per trajectory its outcome, failure class, turn, tool or
 * processor and evidence; per batch failure clusters with actionability; tokens in and out.
 * Deterministic: the same trajectories and options give the same JSON.
 *
 * @example
 * const digest = digestTrajectories(trajectories, { cycleId: 'household-c001', harnessContentId });
 * const top = digest.clusters[0]; // e.g. { id: 'early-finish:finish', count: 12, actionability: 0.62, ... }
 */
export function digestTrajectories(trajectories: readonly Trajectory[], options: DigestOptions): Digest {
  const builder = createDigestBuilder(options);
  for (const trajectory of trajectories) builder.add(trajectory);
  return builder.finish();
}
