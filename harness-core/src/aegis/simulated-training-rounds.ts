/**
 * Co-evolution on the embedded default with the `simulated` training backend: after every harness
 * cycle, the replay buffer's groups of the current worker (on-policy only) train the simulated
 * worker's own policy knobs — a simulation of fine-tuning, standing in for LoRA on real weights — and
 * the next cycle evaluates harness × trained model together. Each trained version is registered as
 * the serverless foundry registers one (`models/<project>/<modelId>/model.json`), with its report.
 */
import { basePolicy, policyId, ReplayBuffer } from '../coevolution/index.ts';
import {
  type SimulatedTrainingReport,
  simulatedModelVersion,
  trainSimulatedPolicy,
} from '../coevolution/simulated-training/index.ts';
import type { ModelConfig } from '../harness/spec.ts';
import {
  parseSimulatedWorkerOptions,
  type ResolvedSimulatedWorkerOptions,
} from '../testing/simulated-worker/simulated-worker-options.ts';
import type { CycleState } from './artifacts/cycle-state.ts';
import { registerModelVersion } from './distributed/model-versions.ts';
import type { CycleDeps } from './pipeline/cycle-deps.ts';
import { createWorkerModels } from './worker-models.ts';

/** Default step size in logit space per unit of gradient (see coevolution/simulated-training). */
export const DEFAULT_SIMULATED_LEARNING_RATE = 1;

export interface TrainingRound {
  afterCycle: string;
  modelBefore: string;
  modelAfter: string;
  groups: number;
  report: SimulatedTrainingReport;
}

export interface SimulatedTrainingRounds {
  afterCycle: (state: CycleState, deps: CycleDeps) => Promise<CycleDeps['worker'] | undefined>;
  rounds: TrainingRound[];
}

/** The training round's report, beside the model version record. */
export const trainingReportKey = (project: string, modelId: string) =>
  `models/${project}/${modelId}/training-report.json`;

export function createSimulatedTrainingRounds(options: {
  /** The worker block training starts from (`provider: simulated`). */
  initial: ModelConfig;
  env: NodeJS.ProcessEnv;
  source: string;
  learningRate?: number;
  onRound?: (round: TrainingRound) => void;
}): SimulatedTrainingRounds {
  let current: ResolvedSimulatedWorkerOptions = parseSimulatedWorkerOptions({
    ...options.initial.options,
    modelId: options.initial.model,
  });
  const rounds: TrainingRound[] = [];
  const afterCycle = async (state: CycleState, deps: CycleDeps) => {
    const policy = policyId(basePolicy(deps.worker.model.provider, deps.worker.model.modelId));
    const buffer = await ReplayBuffer.open(deps.store);
    if (buffer.groupsAvailable(policy) === 0) return undefined;
    // A fixed clock: the composed set is used here and never stored, so its time means nothing.
    const set = await buffer.composeTrainingSet(policy, () => new Date(0));
    const trained = trainSimulatedPolicy({
      groups: set.records,
      options: current,
      learningRate: options.learningRate ?? DEFAULT_SIMULATED_LEARNING_RATE,
    });
    const modelId = simulatedModelVersion(trained.options);
    const { modelId: _previous, ...knobs } = trained.options;
    await registerModelVersion(deps, {
      schema: 'harnessx.model-version/1',
      project: deps.project.name,
      modelId,
      worker: { provider: 'simulated', model: modelId, options: knobs },
      trainedBy: { backend: 'simulated', cycleId: state.cycleId },
    });
    await deps.store.put(
      trainingReportKey(deps.project.name, modelId),
      `${JSON.stringify(trained.report, null, 2)}\n`,
    );
    const round: TrainingRound = {
      afterCycle: state.cycleId,
      modelBefore: deps.worker.model.modelId,
      modelAfter: modelId,
      groups: set.records.length,
      report: trained.report,
    };
    rounds.push(round);
    options.onRound?.(round);
    current = { ...trained.options, modelId };
    const models = createWorkerModels(
      { provider: 'simulated', model: modelId, options: knobs },
      options.env,
      options.source,
    );
    return { model: models.model };
  };
  return { afterCycle, rounds };
}
