/**
 * SIMULATION OF FINE-TUNING. `trainSimulatedPolicy` stands in for LoRA training of a real worker:
 * it reads the same GRPO groups and the same stored advantages the Python trainer reads, but what it
 * updates are the simulated worker's failure rates (a test double's knobs), not model weights.
 *
 * Each rate p = σ(θ) is the probability of a Bernoulli draw the worker makes. REINFORCE with the
 * group baseline (the records' advantages are already group-relative) gives, per rate,
 *   g = (1/N) Σ_i A_i Σ_{draws d of trajectory i} ∂/∂θ log P(outcome_d),
 * which for a draw against q = min(1, s·p) (s: the worker's long-context scale, 1 where unscaled)
 * is (fired − q)·(1 − p)/(1 − q), i.e. (fired − p) when s = 1. The step lr·g is clipped to a trust
 * region in logit space and the rate kept in [minRate, maxRate]. Contributions are summed in
 * (group_id, trajectory_id) order, so the result does not depend on the order of the input.
 */
import { z } from 'zod';
import { InputError } from '../../errors.ts';
import { parseWith } from '../../schema.ts';
import {
  parseSimulatedWorkerOptions,
  type ResolvedSimulatedWorkerOptions,
} from '../../testing/simulated-worker/simulated-worker-options.ts';
import { groupRecordSchema, type XgrpoGroupRecord } from '../group-record-schema.ts';
import {
  failureDecisions,
  TRAINED_RATES,
  type TrainedRate,
  UNOBSERVABLE_RATES,
} from './failure-decisions.ts';
import { simulatedModelVersion } from './model-version.ts';

export const SIMULATED_TRAINING_REPORT_SCHEMA_ID = 'harnessx.simulated-training.report/1';
const SOURCE = 'trainSimulatedPolicy';

const finitePositive = z.number().positive().refine(Number.isFinite, 'must be finite');
export const simulatedTrainingConfigSchema = z
  .strictObject({
    learningRate: finitePositive.describe('Step size in logit space per unit of gradient.'),
    trustRegion: finitePositive.default(0.5).describe('Largest |Δlogit| of one rate in one round.'),
    minRate: z.number().gt(0).lt(0.5).default(0.001).describe('Smallest rate after the update.'),
    maxRate: z.number().gt(0.5).lt(1).default(0.999).describe('Largest rate after the update.'),
  })
  .describe('simulated training configuration');
export type SimulatedTrainingConfig = z.input<typeof simulatedTrainingConfigSchema>;

export interface RateUpdate {
  /** Draws of this rate seen in the groups, and how many fired. */
  decisions: number;
  fired: number;
  gradient: number;
  deltaLogit: number;
  clipped: boolean;
  before: number;
  after: number;
}

export interface SimulatedTrainingReport {
  schema: typeof SIMULATED_TRAINING_REPORT_SCHEMA_ID;
  simulation: true;
  note: string;
  groups: number;
  trajectories: number;
  /** Groups sampled by another model id than the options' one: their draws were not from these rates. */
  offPolicyGroups: number;
  config: z.output<typeof simulatedTrainingConfigSchema>;
  rates: Record<TrainedRate, RateUpdate>;
  untrained: readonly string[];
  modelBefore: string;
  modelAfter: string;
}

export interface TrainSimulatedPolicyInput extends SimulatedTrainingConfig {
  groups: readonly XgrpoGroupRecord[];
  /** The options that sampled the groups (defaults filled in if absent). */
  options: unknown;
}

export interface TrainSimulatedPolicyResult {
  options: ResolvedSimulatedWorkerOptions;
  report: SimulatedTrainingReport;
}

const NOTE =
  'Simulation of fine-tuning: only the simulated worker test double\u2019s failure rates were trained ' +
  '(REINFORCE with the group baseline, in logit space), standing in for LoRA on real model weights.';

const logit = (p: number) => Math.log(p / (1 - p));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

function parseGroups(groups: readonly unknown[]): XgrpoGroupRecord[] {
  if (!Array.isArray(groups))
    throw new InputError('GRPO groups', SOURCE, [
      { path: 'groups', message: 'must be an array of group records' },
    ]);
  return groups.map((group, index) => parseWith(groupRecordSchema, group, `GRPO group ${index}`, SOURCE));
}

function scoreOf(fired: boolean, q: number, p: number): number {
  return ((fired ? 1 : 0) - q) * ((1 - p) / (1 - q));
}

/** One round of the simulated policy update (see the module comment). Deterministic. */
export function trainSimulatedPolicy(input: TrainSimulatedPolicyInput): TrainSimulatedPolicyResult {
  const { groups: rawGroups, options: rawOptions, ...rawConfig } = input;
  const config = parseWith(
    simulatedTrainingConfigSchema,
    rawConfig,
    'simulated training configuration',
    SOURCE,
  );
  const options = parseSimulatedWorkerOptions(rawOptions);
  const groups = parseGroups(rawGroups);
  const expectedModel = `simulated:${options.modelId}`;

  const contributions: { key: string; sums: Record<TrainedRate, number> }[] = [];
  const counts = Object.fromEntries(
    TRAINED_RATES.map((rate) => [rate, { decisions: 0, fired: 0 }]),
  ) as Record<TrainedRate, { decisions: number; fired: number }>;
  for (const group of groups) {
    const best = group.reward_spec.range[1];
    for (const trajectory of group.trajectories) {
      const sums = Object.fromEntries(TRAINED_RATES.map((rate) => [rate, 0])) as Record<TrainedRate, number>;
      const success = trajectory.reward >= best - 1e-9;
      for (const decision of failureDecisions(trajectory, success, options)) {
        // A draw against probability 1 has no outcome to learn from.
        if (decision.probability >= 1) continue;
        counts[decision.rate].decisions++;
        if (decision.fired) counts[decision.rate].fired++;
        sums[decision.rate] += scoreOf(decision.fired, decision.probability, options[decision.rate]);
      }
      for (const rate of TRAINED_RATES) sums[rate] *= trajectory.advantage;
      contributions.push({ key: `${group.group_id}\u0000${trajectory.trajectory_id}`, sums });
    }
  }
  contributions.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const trajectories = contributions.length;

  const next: ResolvedSimulatedWorkerOptions = { ...options };
  const rates = {} as Record<TrainedRate, RateUpdate>;
  for (const rate of TRAINED_RATES) {
    const total = contributions.reduce((sum, entry) => sum + entry.sums[rate], 0);
    const gradient = trajectories === 0 ? 0 : total / trajectories;
    const step = config.learningRate * gradient;
    const deltaLogit = clamp(step, -config.trustRegion, config.trustRegion);
    const before = options[rate];
    const after =
      deltaLogit === 0
        ? before
        : clamp(
            sigmoid(logit(clamp(before, config.minRate, config.maxRate)) + deltaLogit),
            config.minRate,
            config.maxRate,
          );
    next[rate] = after;
    rates[rate] = { ...counts[rate], gradient, deltaLogit, clipped: deltaLogit !== step, before, after };
  }
  // Unchanged knobs are the same model: only a real update gets a new id.
  if (TRAINED_RATES.some((rate) => next[rate] !== options[rate])) next.modelId = simulatedModelVersion(next);
  const offPolicyGroups = groups.filter((group) => group.policy.base_model !== expectedModel).length;
  return {
    options: next,
    report: {
      schema: SIMULATED_TRAINING_REPORT_SCHEMA_ID,
      simulation: true,
      note: NOTE,
      groups: groups.length,
      trajectories,
      offPolicyGroups,
      config,
      rates,
      untrained: UNOBSERVABLE_RATES,
      modelBefore: options.modelId,
      modelAfter: next.modelId,
    },
  };
}
