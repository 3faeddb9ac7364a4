/**
 * Behaviour log-probs cached when a dataset enters the replay buffer (DESIGN §7): taken once from
 * the recorded `completion_logprobs` of each trainable call, or null with the E10 reason when
 * they cannot serve as μ's log-probs, so later rounds never recompute (or misuse) them.
 */
import { z } from 'zod';
import type { XgrpoCall, XgrpoGroupRecord } from './group-record-schema.ts';

export const BEHAVIOUR_LOGPROBS_SCHEMA_ID = 'harnessx.xgrpo.behaviour-logprobs/1';

export const MISSING_LOGPROBS_REASONS = [
  'no_tokens',
  'no_logprobs',
  'raw_with_temperature',
  'truncated_sampling',
] as const;

export const behaviourLogprobsSchema = z.strictObject({
  schema: z.literal(BEHAVIOUR_LOGPROBS_SCHEMA_ID),
  cycle_id: z.string().min(1),
  dataset_sha256: z.string().regex(/^[0-9a-f]{64}$/),
  calls: z.array(
    z.strictObject({
      group_id: z.string(),
      trajectory_id: z.string(),
      call_id: z.string(),
      logprobs: z.array(z.number()).nullable(),
      missing: z.enum(MISSING_LOGPROBS_REASONS).nullable(),
    }),
  ),
});

export type BehaviourLogprobs = z.output<typeof behaviourLogprobsSchema>;
export type MissingLogprobsReason = (typeof MISSING_LOGPROBS_REASONS)[number];

/** Why a call's recorded log-probs are not usable as behaviour log-probs (E10), or null. */
export function missingLogprobsReason(call: XgrpoCall): MissingLogprobsReason | null {
  if (!call.tokens) return 'no_tokens';
  if (call.tokens.completion_logprobs === null) return 'no_logprobs';
  if (call.tokens.logprobs_mode === 'raw' && call.sampling.temperature !== 1) return 'raw_with_temperature';
  if ((call.sampling.top_p !== null && call.sampling.top_p < 1) || call.sampling.top_k !== null)
    return 'truncated_sampling';
  return null;
}

export function behaviourLogprobsOf(
  cycleId: string,
  datasetSha256: string,
  records: readonly XgrpoGroupRecord[],
): BehaviourLogprobs {
  const calls = records.flatMap((group) =>
    group.trajectories.flatMap((trajectory) =>
      trajectory.calls
        .filter((call) => call.trainable)
        .map((call) => {
          const missing = missingLogprobsReason(call);
          return {
            group_id: group.group_id,
            trajectory_id: trajectory.trajectory_id,
            call_id: call.call_id,
            logprobs: missing === null ? (call.tokens?.completion_logprobs ?? null) : null,
            missing,
          };
        }),
    ),
  );
  return { schema: BEHAVIOUR_LOGPROBS_SCHEMA_ID, cycle_id: cycleId, dataset_sha256: datasetSha256, calls };
}

/** Replaces each trainable call's `completion_logprobs` by the cached value (null when missing). */
export function applyCachedLogprobs(
  record: XgrpoGroupRecord,
  cache: ReadonlyMap<string, number[] | null>,
): XgrpoGroupRecord {
  return {
    ...record,
    trajectories: record.trajectories.map((trajectory) => ({
      ...trajectory,
      calls: trajectory.calls.map((call) => {
        if (!call.tokens || !call.trainable) return call;
        const key = cacheKey(record.group_id, trajectory.trajectory_id, call.call_id);
        return { ...call, tokens: { ...call.tokens, completion_logprobs: cache.get(key) ?? null } };
      }),
    })),
  };
}

export function cacheKey(groupId: string, trajectoryId: string, callId: string): string {
  return `${groupId}\n${trajectoryId}\n${callId}`;
}
