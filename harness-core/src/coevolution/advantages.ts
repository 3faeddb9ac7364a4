/**
 * Group-relative advantages (spec §2): which groups are kept (E1, E2), their statistics, and
 * A_i under scale group | none | batch and baseline mean | loo. The retired-harness knob κ is
 * applied only after Σ A = 0 has been checked, because it deliberately breaks that invariant.
 */
import { SystemError } from '../errors.ts';
import type { AdvantageConfig, FilterConfig, GroupDropReason } from './config.ts';

export interface GroupStats {
  n: number;
  mean: number;
  std: number;
}

export type GroupVerdict = { kept: true; stats: GroupStats } | { kept: false; reason: GroupDropReason };

export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** σ with `ddof` degrees of freedom removed; 0 when there are too few values to estimate it. */
export function std(values: readonly number[], ddof: number): number {
  const m = mean(values);
  let sum = 0;
  for (const value of values) sum += (value - m) ** 2;
  const dof = values.length - ddof;
  return dof > 0 ? Math.sqrt(sum / dof) : 0;
}

/** Decides whether a group of scorable rewards is kept (E1, E2), and its μ and σ if so. */
export function judgeGroup(
  rewards: readonly number[],
  range: readonly [number, number],
  filter: Pick<FilterConfig, 'min_group_size' | 'zero_spread_tol'>,
  ddof: number,
): GroupVerdict {
  if (rewards.length < Math.max(2, filter.min_group_size)) return { kept: false, reason: 'too_few_scored' };
  const m = mean(rewards);
  const spread = Math.max(...rewards) - Math.min(...rewards);
  if (spread <= filter.zero_spread_tol) {
    if (m >= range[1] - filter.zero_spread_tol) return { kept: false, reason: 'zero_spread_all_success' };
    if (m <= range[0] + filter.zero_spread_tol) return { kept: false, reason: 'zero_spread_all_fail' };
    return { kept: false, reason: 'zero_spread_other' };
  }
  return { kept: true, stats: { n: rewards.length, mean: m, std: std(rewards, ddof) } };
}

export interface KeptGroupInput {
  rewards: readonly number[];
  /** Harness version of each trajectory, for κ; same order as `rewards`. */
  harnessVersions?: readonly string[];
}

export interface AdvantageResult {
  /** Per group, per trajectory, in input order. */
  advantages: number[][];
  stats: GroupStats[];
  /** σ_B of scale = batch; undefined otherwise. */
  batchStd?: number;
  /** Trajectories whose negative advantage κ scaled. */
  retiredScaled: number;
}

/**
 * Advantages of kept groups (every group must have n ≥ 2 and a non-zero spread; `judgeGroup`
 * decides that). Throws `SystemError` if Σ A ≠ 0 before κ, which would be a bug here.
 */
export function computeAdvantages(
  groups: readonly KeptGroupInput[],
  config: AdvantageConfig,
): AdvantageResult {
  const stats = groups.map((group) => ({
    n: group.rewards.length,
    mean: mean(group.rewards),
    std: std(group.rewards, config.ddof),
  }));
  const centred = groups.map((group, g) => {
    const { n, mean: m } = stats[g] as GroupStats;
    // LOO baseline: r_i − (1/(n−1)) Σ_{j≠i} r_j = (n/(n−1))·(r_i − μ).
    const factor = config.baseline === 'loo' ? n / (n - 1) : 1;
    return group.rewards.map((reward) => factor * (reward - m));
  });
  let batchStd: number | undefined;
  if (config.scale === 'batch') {
    const residuals = groups.flatMap((group, g) =>
      group.rewards.map((r) => r - (stats[g] as GroupStats).mean),
    );
    batchStd = std(residuals, config.ddof);
  }
  const advantages = centred.map((values, g) => {
    const divisor =
      config.scale === 'none'
        ? 1
        : (config.scale === 'batch' ? (batchStd as number) : (stats[g] as GroupStats).std) + config.eps;
    return values.map((value) => value / divisor);
  });
  advantages.forEach((values, g) => {
    let sum = 0;
    let largest = 1;
    for (const value of values) {
      sum += value;
      largest = Math.max(largest, Math.abs(value));
    }
    if (!(Math.abs(sum) <= 1e-9 * values.length * largest))
      throw new SystemError(`xgrpo advantages of group ${g} sum to ${sum}, not 0`);
  });
  const retiredScaled = applyRetiredHarnessScale(groups, advantages, config);
  return { advantages, stats, ...(batchStd === undefined ? {} : { batchStd }), retiredScaled };
}

function applyRetiredHarnessScale(
  groups: readonly KeptGroupInput[],
  advantages: number[][],
  config: AdvantageConfig,
): number {
  const kappa = config.retired_harness_negative_scale;
  if (kappa === 1) return 0;
  const targets = new Set(config.target_harness_versions);
  let scaled = 0;
  groups.forEach((group, g) => {
    const values = advantages[g] as number[];
    values.forEach((value, i) => {
      const version = group.harnessVersions?.[i];
      if (value < 0 && version !== undefined && !targets.has(version)) {
        values[i] = kappa * value;
        scaled += 1;
      }
    });
  });
  return scaled;
}
