/**
 * `harnessx evolve --coevolve`: after the harness-only run, the same project, seed and cycle budget
 * again in its own store (`<out>/foundry/<project>-coevolve`), with a training round after every
 * cycle. The embedded backend here is `simulated` (the simulated worker's knobs are trained); a real
 * model's LoRA training runs in `training/` (SageMaker, or locally on CPU).
 */

import { type EvolutionSummary, runEvolution } from '../aegis/pipeline/run-evolution.ts';
import { createSimulatedTrainingRounds, type TrainingRound } from '../aegis/simulated-training-rounds.ts';
import { InputError } from '../errors.ts';
import { createEvolveView } from './evolve-view.ts';
import { composeFoundry, type FoundryComposition } from './foundry-deps.ts';
import type { CliIo } from './io.ts';
import { currentLeaseOwner, isLeaseOwnerAlive } from './lease-owner.ts';

/** Step size of the simulated training rounds (logit space; see coevolution/simulated-training). */
const SIMULATED_LEARNING_RATE = 6;

export interface CoevolutionRun {
  summary: EvolutionSummary;
  rounds: TrainingRound[];
  composition: FoundryComposition;
}

export async function runCoevolution(input: {
  projectPath: string;
  out: string;
  fresh: boolean;
  cycles?: number;
  io: CliIo;
}): Promise<CoevolutionRun> {
  const { io } = input;
  let view: ReturnType<typeof createEvolveView> | undefined;
  const composition = await composeFoundry({
    projectPath: input.projectPath,
    out: input.out,
    fresh: input.fresh,
    storeSuffix: '-coevolve',
    env: io.env,
    signal: io.signal,
    emit: (event) => view?.onEvent(event),
  });
  const worker = composition.baselineSpec.models.worker;
  if (worker.provider !== 'simulated') {
    throw new InputError('evolve flags', '--coevolve', [
      {
        path: 'coevolve',
        message: `the embedded training backend trains the simulated worker only (this project's worker is ${worker.provider}:${worker.model}); train a real model with training/ (see training/README.md)`,
      },
    ]);
  }
  io.stderr.write('co-evolution: harness cycles alternate with simulated training rounds\n');
  const training = createSimulatedTrainingRounds({
    initial: worker,
    env: io.env,
    source: input.projectPath,
    learningRate: SIMULATED_LEARNING_RATE,
    onRound: (round) =>
      io.stderr.write(
        `training round after ${round.afterCycle} (simulated): ${round.groups} groups, ${round.modelBefore} -> ${round.modelAfter}\n`,
      ),
  });
  view = createEvolveView(input.cycles ?? composition.deps.project.policies.maxCycles, io.stderr);
  const summary = await runEvolution(composition.deps, {
    baselineSpec: composition.baselineSpec,
    ...(input.cycles === undefined ? {} : { maxCycles: input.cycles }),
    owner: currentLeaseOwner(),
    isOwnerAlive: isLeaseOwnerAlive,
    afterCycle: training.afterCycle,
  });
  view.finish();
  return { summary, rounds: training.rounds, composition };
}
