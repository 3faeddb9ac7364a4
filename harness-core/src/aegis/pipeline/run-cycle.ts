/**
 * The cycle state machine. After every stage the state is stored, so a process killed at any point
 * resumes at the first unfinished stage; finished stages are never repeated (their outputs are
 * referenced from the state, and deterministic re-runs of a half-finished stage write identical
 * immutable artifacts).
 */
import { storeKeys } from '../../ports/artifact-store.ts';
import { type CycleStage, type CycleState, cycleStateArtifact } from '../artifacts/cycle-state.ts';
import { readArtifact, writeMutable } from './artifact-io.ts';
import type { CycleDeps } from './cycle-deps.ts';
import { runBaselineStage, runDigestStage, runEvolveStage, runPlanStage } from './stages-analyse.ts';
import { runCriticStage, runEvaluateStage, runGateStage, runPublishStage } from './stages-judge.ts';

type StageRunner = (deps: CycleDeps, state: CycleState) => Promise<CycleState>;

const STAGES: Record<Exclude<CycleStage, 'done'>, StageRunner> = {
  baseline: runBaselineStage,
  digest: runDigestStage,
  plan: runPlanStage,
  evolve: runEvolveStage,
  evaluate: runEvaluateStage,
  critic: runCriticStage,
  gate: runGateStage,
  publish: runPublishStage,
};

export function newCycleState(project: string, index: number, currentContentId: string): CycleState {
  return {
    schemaVersion: 'harnessx.cycle/1',
    cycleId: cycleIdFor(project, index),
    project,
    index,
    stage: 'baseline',
    currentContentId,
    artifacts: {},
    tokensByStage: {},
  };
}

export function cycleIdFor(project: string, index: number): string {
  return `${project}-c${String(index).padStart(3, '0')}`;
}

export async function loadCycleState(deps: CycleDeps, cycleId: string): Promise<CycleState | undefined> {
  return readArtifact(deps.store, storeKeys.cycleState(cycleId), cycleStateArtifact);
}

/** Runs the cycle's next stage and stores the state it leaves (a no-op once the cycle is done). */
export async function runNextStage(deps: CycleDeps, state: CycleState): Promise<CycleState> {
  if (state.stage === 'done') return state;
  const stage = state.stage;
  deps.emit({ type: 'stage-start', cycleId: state.cycleId, stage });
  const next = cycleStateArtifact.parse(await STAGES[stage](deps, structuredClone(state)));
  await writeMutable(deps.store, storeKeys.cycleState(next.cycleId), next);
  deps.emit({ type: 'stage-end', cycleId: next.cycleId, stage });
  return next;
}

/** Runs (or resumes) one cycle to `done`. */
export async function runCycle(deps: CycleDeps, initial: CycleState): Promise<CycleState> {
  let state = initial;
  while (state.stage !== 'done') state = await runNextStage(deps, state);
  return state;
}
