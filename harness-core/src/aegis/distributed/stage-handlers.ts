/**
 * One queue message, one step of a cycle: loads the cycle state, runs the in-process pipeline's own
 * stage functions for this message type, and sends the next messages. Every message has a
 * deterministic idempotency key and every step checks the stored state first, so a redelivered
 * message repeats no work and a crash between "state stored" and "next message sent" heals when the
 * message is delivered again.
 */
import { InputError, SystemError } from '../../errors.ts';
import { storeKeys } from '../../ports/artifact-store.ts';
import type { StageMessage } from '../../ports/work-queue.ts';
import {
  CYCLE_STAGES,
  type CycleStage,
  type CycleState,
  cycleStateArtifact,
} from '../artifacts/cycle-state.ts';
import { type Evaluation, evaluationArtifact } from '../artifacts/evaluation.ts';
import { composeCycleDeps } from '../compose-cycle-deps.ts';
import { readArtifact, writeMutable } from '../pipeline/artifact-io.ts';
import { EvaluationPending, evaluationKey } from '../pipeline/cached-evaluation.ts';
import type { CycleDeps } from '../pipeline/cycle-deps.ts';
import { loadCycleState, runNextStage } from '../pipeline/run-cycle.ts';
import { cycleLease, maybeStartCycle, stageMessage } from './cycle-start.ts';
import {
  baselineEvaluations,
  candidateEvaluations,
  mergeShardGroup,
  pendingEvaluation,
  planShardGroup,
  runShard,
  shardMessages,
} from './evaluation-shards.ts';
import type { DistributedFoundry, StageRunOptions } from './foundry.ts';
import { loadRegisteredProject, type RegisteredProject } from './project-registration.ts';
import { sendOnce } from './send-once.ts';

export interface StageOutcome {
  cycleId: string;
  /** What this delivery did: ran the stage, found it already done (a redelivery), or fanned out. */
  status: 'ran' | 'already-done' | 'waiting-for-shards';
  /** Messages sent to the next stage(s). */
  sent: number;
  detail?: string;
}

const order = (stage: CycleStage) => CYCLE_STAGES.indexOf(stage);

interface Step {
  foundry: DistributedFoundry;
  deps: CycleDeps;
  project: RegisteredProject;
  message: StageMessage;
}

export async function handleStageMessage(
  foundry: DistributedFoundry,
  message: StageMessage,
  options: StageRunOptions = {},
): Promise<StageOutcome> {
  const project = await loadRegisteredProject(foundry.store, message.project);
  if (!project) throw new SystemError(`no project "${message.project}" is registered`);
  if (message.type === 'train') {
    throw new InputError('queue message', message.idempotencyKey, [
      {
        path: 'type',
        message: 'train messages are handled by train-launch (launchTraining), not a cycle stage',
      },
    ]);
  }
  // Every stage of a cycle runs with the worker model pinned when the cycle started.
  const pinned = await readArtifact(foundry.store, storeKeys.cycleState(message.cycleId), cycleStateArtifact);
  const composed = composeCycleDeps({
    project: project.config,
    baselineSpec: project.baselineSpec,
    ...(pinned?.workerModel ? { worker: pinned.workerModel } : {}),
    store: foundry.store,
    registry: foundry.registry,
    env: foundry.modelEnv ?? {},
    source: project.source,
    ...(options.signal ? { signal: options.signal } : {}),
    emit: foundry.emit ?? (() => {}),
  });
  // A stage invocation never runs a whole evaluation: those are sharded (see criticStep).
  const deps: CycleDeps = { ...composed.deps, evaluations: 'stored-only' };
  const step: Step = { foundry, deps, project, message };
  switch (message.type) {
    case 'digest':
      return digestStep(step, await requireState(deps, message));
    case 'plan':
      return advance(step, await requireState(deps, message), ['plan'], () => [
        stageMessage('evolve', message.project, message.cycleId, `${message.cycleId}:evolve`),
      ]);
    case 'evolve':
      return evolveStep(step, await requireState(deps, message));
    case 'evaluate':
      return evaluateStep(step);
    case 'critic':
      return criticStep(step, await requireState(deps, message));
  }
}

async function requireState(deps: CycleDeps, message: StageMessage): Promise<CycleState> {
  const state = await loadCycleState(deps, message.cycleId);
  if (!state) throw new SystemError(`cycle ${message.cycleId} has no stored state`);
  return state;
}

/**
 * Runs `stages` in order where the state is at them, then sends `next()`. A state before the first
 * stage means the message came early (retried later); past the last, the work was done before.
 */
async function advance(
  step: Step,
  initial: CycleState,
  stages: readonly CycleStage[],
  next: (state: CycleState) => StageMessage[] | Promise<StageMessage[]>,
): Promise<StageOutcome> {
  const first = stages[0] as CycleStage;
  if (order(initial.stage) < order(first)) {
    throw new SystemError(`cycle ${initial.cycleId} is at ${initial.stage}, not yet at ${first}`, {
      code: 'STAGE_NOT_READY',
    });
  }
  let state = initial;
  let ran = false;
  for (const stage of stages) {
    if (state.stage !== stage) continue;
    state = await runNextStage(step.deps, state);
    ran = true;
  }
  const sent = await sendOnce(step.foundry, await next(state));
  return { cycleId: state.cycleId, status: ran ? 'ran' : 'already-done', sent };
}

async function digestStep(step: Step, state: CycleState): Promise<StageOutcome> {
  const { deps, message } = step;
  if (state.stage === 'baseline') {
    const shards = await planShardGroup(deps, state, 'baseline', baselineEvaluations(deps, state));
    if (shards.length > 0 && !(await groupStored(step, state, 'baseline'))) {
      const sent = await sendOnce(step.foundry, shardMessages(state, shards));
      return { cycleId: state.cycleId, status: 'waiting-for-shards', sent };
    }
  }
  const outcome = await advance(step, state, ['baseline', 'digest'], () => [
    stageMessage('plan', message.project, message.cycleId, `${message.cycleId}:plan`),
  ]);
  if (outcome.status === 'ran') await addShardTokens(step, 'baseline');
  return outcome;
}

/** Whether every evaluation of a group is stored (its shards all finished and were merged). */
async function groupStored(
  step: Step,
  state: CycleState,
  group: 'baseline' | 'candidates',
): Promise<boolean> {
  const needed =
    group === 'baseline'
      ? baselineEvaluations(step.deps, state)
      : await candidateEvaluations(step.deps, state);
  for (const evaluation of needed) {
    if (!(await step.deps.store.get(evaluationKey(step.deps, evaluation)))) return false;
  }
  return true;
}

async function evolveStep(step: Step, state: CycleState): Promise<StageOutcome> {
  const { deps, message } = step;
  return advance(step, state, ['evolve'], async (after) => {
    const shards = await planShardGroup(deps, after, 'candidates', await candidateEvaluations(deps, after));
    if (shards.length > 0) return shardMessages(after, shards);
    return [stageMessage('critic', message.project, message.cycleId, `${message.cycleId}:critic`)];
  });
}

async function evaluateStep(step: Step): Promise<StageOutcome> {
  const { deps, message } = step;
  const shardKey = message.refs.shard;
  if (!shardKey) throw new SystemError(`evaluate message ${message.idempotencyKey} names no shard`);
  const { shard, complete, ran } = await runShard(deps, shardKey);
  const status = ran ? 'ran' : 'already-done';
  if (!complete) return { cycleId: message.cycleId, status, sent: 0, detail: shard.shardId };
  await mergeShardGroup(deps, message.cycleId, shard.group);
  const follow =
    shard.group === 'baseline'
      ? stageMessage('digest', message.project, message.cycleId, `${message.cycleId}:digest:baseline-done`)
      : stageMessage('critic', message.project, message.cycleId, criticKey(message.cycleId, shard.group));
  const sent = await sendOnce(step.foundry, [follow]);
  return { cycleId: message.cycleId, status, sent, detail: `${shard.group} shards complete` };
}

/** The candidates' group re-delivers the first critic message; a pending group its own. */
const criticKey = (cycleId: string, group: string) =>
  group === 'candidates' ? `${cycleId}:critic` : `${cycleId}:critic:${group}-done`;

async function criticStep(step: Step, state: CycleState): Promise<StageOutcome> {
  let outcome: StageOutcome;
  try {
    outcome = await advance(step, state, ['evaluate', 'critic', 'gate', 'publish'], () => []);
  } catch (error) {
    if (!(error instanceof EvaluationPending)) throw error;
    return shardPendingEvaluation(step, error);
  }
  if (outcome.status === 'ran') {
    await addShardTokens(step, 'evaluate');
    await addShardTokens(step, 'gate');
  }
  const done = await loadCycleState(step.deps, state.cycleId);
  if (done?.stage === 'done') {
    if (done.leaseOwner) await step.foundry.registry.releaseLease(cycleLease(done.project), done.leaseOwner);
    step.deps.emit({
      type: 'cycle-end',
      cycleId: done.cycleId,
      status: done.outcome?.status ?? 'rejected',
      detail: (done.outcome?.reasons ?? []).join('; '),
    });
    // Traces that arrived during the cycle may already meet the trigger for the next one.
    // Fine-tuning between cycles, when the project trains its worker (train-launch decides whether).
    const train = step.project.config.training
      ? await sendOnce(step.foundry, [
          stageMessage('train', done.project, done.cycleId, `${done.cycleId}:train`),
        ])
      : 0;
    const started = await maybeStartCycle(step.foundry, step.project.config, step.project.baselineSpec);
    if (started) return { ...outcome, sent: outcome.sent + train + 1, detail: `started ${started}` };
    return { ...outcome, sent: outcome.sent + train };
  }
  return outcome;
}

/**
 * The gate asks for a candidate's held-out evaluation only when the candidate passed every other
 * rule, so it cannot be planned ahead: the gate stops there (nothing of it is stored), the evaluation
 * is sharded like the others, and its last shard re-delivers the critic message, whose gate run
 * repeats the same deterministic decisions up to that candidate and finds the evaluation stored.
 */
async function shardPendingEvaluation(step: Step, pending: EvaluationPending): Promise<StageOutcome> {
  const { deps, message } = step;
  const state = await requireState(deps, message);
  const { group, evaluation } = await pendingEvaluation(deps, state, pending.request);
  const shards = await planShardGroup(deps, state, group, [evaluation]);
  // Empty only when another delivery stored the evaluation meanwhile: run the stage again.
  const messages =
    shards.length > 0
      ? shardMessages(state, shards)
      : [stageMessage('critic', message.project, message.cycleId, criticKey(message.cycleId, group))];
  const sent = await sendOnce(step.foundry, messages);
  return { cycleId: state.cycleId, status: 'waiting-for-shards', sent, detail: group };
}

/**
 * Evaluations run in shards are stored before the stage reads them, so the stage sees them as cached
 * and counts no tokens; the tokens of those first run in this cycle are added here instead.
 */
async function addShardTokens(step: Step, stage: 'baseline' | 'evaluate' | 'gate'): Promise<void> {
  const state = await loadCycleState(step.deps, step.message.cycleId);
  if (!state) return;
  const keys =
    stage === 'baseline'
      ? [
          state.artifacts.baselineAdaptation,
          state.artifacts.baselineReplicate,
          state.artifacts.baselineHeldout,
        ]
      : Object.values((stage === 'gate' ? state.artifacts.heldout : state.artifacts.evaluations) ?? {});
  const entry = { input: 0, output: 0, costUsd: 0, ...state.tokensByStage[stage] };
  let changed = false;
  for (const key of keys) {
    if (!key) continue;
    const evaluation: Evaluation | undefined = await readArtifact(step.deps.store, key, evaluationArtifact);
    if (evaluation?.cycleId !== state.cycleId) continue;
    entry.input += evaluation.tokens.input;
    entry.output += evaluation.tokens.output;
    entry.costUsd += evaluation.tokens.costUsd;
    changed = true;
  }
  if (!changed) return;
  await writeMutable(step.deps.store, storeKeys.cycleState(state.cycleId), {
    ...state,
    tokensByStage: { ...state.tokensByStage, [stage]: entry },
  });
}
