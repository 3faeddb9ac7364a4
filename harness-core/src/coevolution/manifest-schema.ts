/**
 * `manifest.json` next to `groups.jsonl` (spec §5): provenance, the exact configs, and counts a
 * reader can check against a recount of the JSONL.
 */
import { z } from 'zod';
import {
  advantageConfigSchema,
  filterConfigSchema,
  GROUP_DROP_REASONS,
  TRAJECTORY_EXCLUSION_REASONS,
} from './config.ts';
import { policySchema } from './group-record-schema.ts';

export const MANIFEST_SCHEMA_ID = 'harnessx.xgrpo.manifest/1';
export const BUILDER_NAME = '@harnessx/core/coevolution';
export const BUILDER_VERSION = '1.0.0';

const count = z.number().int().nonnegative();

const reasonCounts = <T extends readonly [string, ...string[]]>(reasons: T) =>
  z.strictObject(
    Object.fromEntries(reasons.map((reason) => [reason, count])) as Record<T[number], typeof count>,
  );

export const manifestSchema = z.strictObject({
  schema: z.literal(MANIFEST_SCHEMA_ID),
  created_at: z.iso.datetime(),
  builder: z.strictObject({ name: z.string(), version: z.string() }),
  dataset_sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 hex digits'),
  round: z.string().nullable(),
  policy: policySchema,
  advantage: advantageConfigSchema,
  filter: filterConfigSchema,
  counts: z.strictObject({
    groups: z.strictObject({
      in: count,
      kept: count,
      dropped: reasonCounts(GROUP_DROP_REASONS as unknown as readonly [string, ...string[]]),
    }),
    trajectories: z.strictObject({
      in: count,
      kept: count,
      excluded: reasonCounts(TRAJECTORY_EXCLUSION_REASONS as unknown as readonly [string, ...string[]]),
      /** Scorable trajectories of groups dropped as a whole (E1, E2, E4, E5). */
      in_dropped_groups: count,
    }),
    /** Kept trajectories with |A| ≤ tol: in the file, but the trainer makes no rows for them (E6). */
    zero_advantage: count,
    /** Kept trajectories without a trainable call (E8). */
    no_trainable_calls: count,
    /** Kept trajectories whose negative advantage κ scaled (§2). */
    retired_harness_scaled: count,
    /** Kept groups whose every call was sampled greedily (E15). */
    greedy_groups: count,
    /** Tool messages answering no earlier assistant tool call (E20). */
    orphan_tool_messages: count,
  }),
  harness_versions: z.array(
    z.strictObject({
      harness_id: z.string(),
      version: z.string(),
      trajectories: count,
      mean_reward: z.number(),
    }),
  ),
  warnings: z.array(z.string()),
});

export type XgrpoManifest = z.output<typeof manifestSchema>;
export type GroupDropCounts = Record<(typeof GROUP_DROP_REASONS)[number], number>;
export type ExclusionCounts = Record<(typeof TRAJECTORY_EXCLUSION_REASONS)[number], number>;
