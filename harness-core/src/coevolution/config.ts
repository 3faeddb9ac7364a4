/**
 * Advantage and filter configuration (spec §2, §6 defaults), validated at the boundary and
 * written verbatim into the manifest so the trainer recomputes with exactly the same knobs.
 */
import { z } from 'zod';
import { parseWith } from '../schema.ts';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

export const advantageConfigSchema = z
  .strictObject({
    scale: z.enum(['group', 'none', 'batch']).default('group'),
    baseline: z.enum(['mean', 'loo']).default('mean'),
    eps: finite.nonnegative().default(1e-4),
    ddof: z.number().int().min(0).max(1).default(0),
    /** κ of §2: negative advantages of non-target harness versions are multiplied by it. 1 = off. */
    retired_harness_negative_scale: finite.min(0).max(1).default(1),
    /** Harness version ids (`sha256:…` content ids) that κ leaves alone. */
    target_harness_versions: z.array(z.string().min(1)).default([]),
  })
  .refine(
    (config) => config.retired_harness_negative_scale === 1 || config.target_harness_versions.length > 0,
    {
      message: 'retired_harness_negative_scale < 1 needs target_harness_versions',
      path: ['target_harness_versions'],
    },
  );

export const filterConfigSchema = z.strictObject({
  min_group_size: z.number().int().min(2).default(2),
  zero_spread_tol: finite.nonnegative().default(1e-6),
  /** |A| at or below this makes a trajectory a zero-advantage one (E6). */
  zero_advantage_tol: finite.nonnegative().default(1e-8),
  /** Calls sampled below this temperature are greedy (E15). */
  greedy_temperature: finite.nonnegative().default(0.05),
  /** Off-policy trajectories (policy ≠ the job's init policy) are excluded (E4). */
  off_policy: z.literal('exclude').default('exclude'),
});

export type AdvantageConfig = z.output<typeof advantageConfigSchema>;
export type FilterConfig = z.output<typeof filterConfigSchema>;
export type AdvantageConfigInput = z.input<typeof advantageConfigSchema>;
export type FilterConfigInput = z.input<typeof filterConfigSchema>;

export function parseAdvantageConfig(input: unknown = {}, source = 'advantage config'): AdvantageConfig {
  return parseWith(advantageConfigSchema, input, 'xgrpo advantage config', source);
}

export function parseFilterConfig(input: unknown = {}, source = 'filter config'): FilterConfig {
  return parseWith(filterConfigSchema, input, 'xgrpo filter config', source);
}

/** Group drop reasons (spec §5 manifest, §7 E1/E2/E4/E5), in manifest order. */
export const GROUP_DROP_REASONS = [
  'too_few_scored',
  'zero_spread_all_success',
  'zero_spread_all_fail',
  'zero_spread_other',
  'mixed_reward_spec',
  'policy_mismatch',
] as const;
export type GroupDropReason = (typeof GROUP_DROP_REASONS)[number];

/** Reasons a trajectory is removed before the group statistics (E3, E15). */
export const TRAJECTORY_EXCLUSION_REASONS = ['infra_error', 'reward_missing', 'duplicate_greedy'] as const;
export type TrajectoryExclusionReason = (typeof TRAJECTORY_EXCLUSION_REASONS)[number];
