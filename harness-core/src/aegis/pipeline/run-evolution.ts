/**
 * Cycle control: publishes the baseline as the first version, then runs (or resumes) cycles until
 * the maximum count, the patience (cycles in a row without an accepted candidate) or the token/cost
 * budget stops it. One run per project at a time, guarded by a lease in the Registry.
 */
import { SystemError } from '../../errors.ts';
import { canonicalJson, harnessContentId } from '../../harness/canonical.ts';
import type { HarnessSpec } from '../../harness/spec.ts';
import { storeKeys } from '../../ports/artifact-store.ts';
import type { CycleState } from '../artifacts/cycle-state.ts';
import { evaluateCached } from './cached-evaluation.ts';
import { loadVersionSpec } from './cycle-context.ts';
import type { CycleDeps } from './cycle-deps.ts';
import { cycleIdFor, loadCycleState, newCycleState, runCycle } from './run-cycle.ts';
import { readRejections } from './stages-judge.ts';

export interface EvolutionSummary {
  baseline: { adaptation: number; heldout: number; contentId: string };
  final: { adaptation: number; heldout: number; contentId: string };
  cycles: number;
  accepted: number;
  rejected: { candidate: string; reasons: string[] }[];
  tokens: { input: number; output: number; costUsd: number };
  stoppedBecause: 'max-cycles' | 'patience' | 'token-budget' | 'cost-budget';
  cycleStates: CycleState[];
  /** The worker model each cycle ran with (co-evolution trains a new one between cycles). */
  workerByCycle: { cycleId: string; modelId: string }[];
}

export interface RunEvolutionOptions {
  baselineSpec: HarnessSpec;
  /** Overrides the project's `maxCycles`. */
  maxCycles?: number;
  /** Lease owner id (e.g. host:pid). */
  owner: string;
  /**
   * Whether a lease holder is still running. A run killed mid-cycle leaves its lease behind; when
   * the caller can tell its holder is gone (same host, dead pid), the lease is taken over so the
   * killed run can be resumed at once instead of after the lease expires.
   */
  isOwnerAlive?: (owner: string) => boolean;
  /**
   * Co-evolution: called after every cycle (a resumed run calls it again for finished cycles, so it
   * must be deterministic); a returned worker is used from the next cycle on, and for the final score.
   */
  afterCycle?: (state: CycleState, deps: CycleDeps) => Promise<CycleDeps['worker'] | undefined>;
}

const LEASE_TTL_MS = 6 * 60 * 60 * 1000;

export async function runEvolution(deps: CycleDeps, options: RunEvolutionOptions): Promise<EvolutionSummary> {
  const policies = deps.project.policies;
  const leaseName = `cycle:${deps.project.name}`;
  if (!(await acquireOrTakeOver(deps, leaseName, options))) {
    throw new SystemError(
      `another evolve run holds the lease "${leaseName}" for project ${deps.project.name}`,
      {
        code: 'LEASE_HELD',
      },
    );
  }
  try {
    const baselineId = harnessContentId(options.baselineSpec);
    await deps.store.putImmutable(
      storeKeys.harnessVersion(deps.harnessName, baselineId),
      canonicalJson(options.baselineSpec),
    );
    if ((await deps.registry.getCurrent(deps.harnessName)) === undefined) {
      await deps.registry.compareAndSetCurrent(deps.harnessName, undefined, baselineId);
    }
    const maxCycles = options.maxCycles ?? policies.maxCycles;
    const states: CycleState[] = [];
    const rejected: EvolutionSummary['rejected'] = [];
    const tokens = { input: 0, output: 0, costUsd: 0 };
    let withoutAcceptance = 0;
    let stoppedBecause: EvolutionSummary['stoppedBecause'] = 'max-cycles';
    let cycleDeps = deps;
    const workerByCycle: EvolutionSummary['workerByCycle'] = [];
    for (let index = 1; index <= maxCycles; index++) {
      const current = await deps.registry.getCurrent(deps.harnessName);
      if (!current) throw new SystemError(`no current version for harness ${deps.harnessName}`);
      const existing = await loadCycleState(deps, cycleIdFor(deps.project.name, index));
      const state =
        existing?.stage === 'done'
          ? existing
          : await runCycle(cycleDeps, existing ?? newCycleState(deps.project.name, index, current.contentId));
      states.push(state);
      workerByCycle.push({ cycleId: state.cycleId, modelId: cycleDeps.worker.model.modelId });
      const trained = await options.afterCycle?.(state, cycleDeps);
      if (trained) cycleDeps = { ...cycleDeps, worker: trained };
      for (const usage of Object.values(state.tokensByStage)) {
        tokens.input += usage.input;
        tokens.output += usage.output;
        tokens.costUsd += usage.costUsd;
      }
      const status = state.outcome?.status ?? 'rejected';
      deps.emit({
        type: 'cycle-end',
        cycleId: state.cycleId,
        status,
        detail: (state.outcome?.reasons ?? []).join('; '),
      });
      if (status === 'accepted') withoutAcceptance = 0;
      else withoutAcceptance += 1;
      rejected.push(...(await readRejections(deps, state)));
      if (withoutAcceptance >= policies.patience) {
        stoppedBecause = 'patience';
        break;
      }
      if (tokens.input + tokens.output >= policies.tokenBudget) {
        stoppedBecause = 'token-budget';
        break;
      }
      if (policies.costBudgetUsd !== undefined && tokens.costUsd >= policies.costBudgetUsd) {
        stoppedBecause = 'cost-budget';
        break;
      }
    }
    const final = await deps.registry.getCurrent(deps.harnessName);
    const finalId = final?.contentId ?? baselineId;
    const lastCycle = states.at(-1)?.cycleId ?? cycleIdFor(deps.project.name, 1);
    const scoreOf = async (contentId: string, scoring: CycleDeps) => {
      const spec = await loadVersionSpec(deps, contentId);
      const seed = policies.seed;
      const base = { cycleId: lastCycle, stage: 'done' as const, spec, contentId, seed };
      const adaptation = await evaluateCached(scoring, { ...base, split: 'adaptation' });
      const heldout = await evaluateCached(scoring, { ...base, split: 'heldout' });
      return {
        adaptation: adaptation.evaluation.successRate,
        heldout: heldout.evaluation.successRate,
        contentId,
      };
    };
    return {
      baseline: await scoreOf(baselineId, deps),
      final: await scoreOf(finalId, cycleDeps),
      cycles: states.length,
      accepted: states.filter((s) => s.outcome?.status === 'accepted').length,
      rejected,
      tokens,
      stoppedBecause,
      cycleStates: states,
      workerByCycle,
    };
  } finally {
    await deps.registry.releaseLease(leaseName, options.owner);
  }
}

async function acquireOrTakeOver(
  deps: CycleDeps,
  name: string,
  options: RunEvolutionOptions,
): Promise<boolean> {
  if (await deps.registry.acquireLease(name, options.owner, LEASE_TTL_MS)) return true;
  const holder = await deps.registry.getLease(name);
  if (!holder || !options.isOwnerAlive || options.isOwnerAlive(holder.owner)) return false;
  await deps.registry.releaseLease(name, holder.owner);
  return deps.registry.acquireLease(name, options.owner, LEASE_TTL_MS);
}
