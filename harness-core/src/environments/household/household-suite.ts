/**
 * The `household` suite (modelled on ALFWorld): long-horizon embodied errands in a four-room
 * house, graded by the length of the optimal plan.
 *
 * @example
 * ```ts
 * const suite = createHouseholdSuite({ seed: 7 });
 * const task = suite.tasks('heldout')[0]!;
 * const episode = suite.reset(task, 1);
 * await episode.step({ name: 'look', arguments: {} });
 * ```
 */
import { z } from 'zod';
import { InputError } from '../../errors.ts';
import type { ToolDefinition } from '../../providers/model.ts';
import { parseWith } from '../../schema.ts';
import type {
  EpisodeEnvironment,
  EpisodeScore,
  Split,
  Suite,
  TaskSpec,
  ToolStepResult,
} from '../environment.ts';
import { applyHouseholdAction } from './household-actions.ts';
import { scoreHouseholdGoal } from './household-goal.ts';
import { type HouseholdAction, solveHouseholdLayout } from './household-solver.ts';
import { generateHouseholdTasks, type HouseholdTask } from './household-tasks.ts';
import { HOUSEHOLD_TOOLS, parseHouseholdToolCall } from './household-tools.ts';
import { createHouseholdWorld } from './household-world.ts';

/** The seed used when none is given: it fixes the published task list. */
export const HOUSEHOLD_DEFAULT_SEED = 20_240_611;

export const householdSuiteOptionsSchema = z
  .object({
    /** Suite seed: fixes every task and world. Default `HOUSEHOLD_DEFAULT_SEED`. */
    seed: z.number().int().default(HOUSEHOLD_DEFAULT_SEED),
  })
  .strict();
export type HouseholdSuiteOptions = z.input<typeof householdSuiteOptionsSchema>;

/** The household suite, with tasks typed as `HouseholdTask`. */
export interface HouseholdSuite extends Suite {
  readonly seed: number;
  tasks(split?: Split): readonly HouseholdTask[];
}

const SOURCE = 'household suite';

class HouseholdEpisode implements EpisodeEnvironment {
  readonly tools: readonly ToolDefinition[] = HOUSEHOLD_TOOLS;
  readonly #task: HouseholdTask;
  readonly #world: ReturnType<typeof createHouseholdWorld>;
  #done = false;
  #finished = false;
  #steps = 0;

  constructor(task: HouseholdTask, seed: number) {
    this.#task = task;
    this.#world = createHouseholdWorld(task.layout, seed);
  }

  get done(): boolean {
    return this.#done;
  }

  async step(call: { name: string; arguments: unknown }): Promise<ToolStepResult> {
    if (this.#done) return { content: 'Error: the episode is over.', isError: true };
    const parsed = parseHouseholdToolCall(call.name, call.arguments);
    if (!parsed.ok) return { content: parsed.error, isError: true };
    this.#steps++;
    if (parsed.name === 'finish') {
      this.#done = true;
      this.#finished = true;
      return { content: 'You finish the task.', isError: false };
    }
    const outcome = applyHouseholdAction(this.#world, parsed.name, parsed.arguments);
    return { content: outcome.text, isError: !outcome.ok };
  }

  score(): EpisodeScore {
    return scoreHouseholdGoal(this.#world, this.#task.goal, {
      goal: this.#task.instruction,
      'optimal actions': this.#task.optimalActions,
      'valid actions': this.#steps,
      finished: this.#finished,
    });
  }
}

/** Creates the suite; the same seed always yields the same tasks, splits and worlds. */
export function createHouseholdSuite(options: HouseholdSuiteOptions = {}): HouseholdSuite {
  const { seed } = parseWith(
    householdSuiteOptionsSchema,
    options,
    'household suite options',
    'createHouseholdSuite',
  );
  const all = generateHouseholdTasks(seed);
  const byId = new Map(all.map((task) => [task.id, task]));
  return {
    id: 'household',
    domain: 'embodied',
    seed,
    tasks(split?: Split): readonly HouseholdTask[] {
      return split === undefined ? all : all.filter((task) => task.split === split);
    },
    reset(task: TaskSpec, rolloutSeed: number): EpisodeEnvironment {
      // The suite's own record is used, so a caller cannot alter the world through the task object.
      const known = byId.get(task.id);
      if (!known || task.suite !== 'household') {
        throw new InputError('household task', `${SOURCE} reset`, [
          { path: 'id', message: `expected a task id of this suite (household-001..), got "${task.id}"` },
        ]);
      }
      if (!Number.isSafeInteger(rolloutSeed)) {
        throw new InputError('rollout seed', `${SOURCE} reset`, [
          { path: '', message: `expected a safe integer, got ${String(rolloutSeed)}` },
        ]);
      }
      return new HouseholdEpisode(known, rolloutSeed);
    },
  };
}

/** The oracle's action list for `task` (ending with `finish`); for tests and calibration only. */
export function solveHouseholdTask(task: HouseholdTask): HouseholdAction[] {
  return solveHouseholdLayout(task.layout, task.goal);
}
