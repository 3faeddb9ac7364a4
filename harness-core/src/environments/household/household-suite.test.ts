import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.ts';
import { createHouseholdSuite, solveHouseholdTask } from './household-suite.ts';
import { HOUSEHOLD_DIFFICULTY_RANGES } from './household-tasks.ts';

const suite = createHouseholdSuite();
const TURN_BUDGET = 30;
/** Turns an exploring agent needs beyond the oracle: a first look, search, a slip or two. */
const MARGIN = 6;

describe('household suite: tasks', () => {
  it('is the embodied household suite with at least 72 tasks and sequential ids', () => {
    expect(suite.id).toBe('household');
    expect(suite.domain).toBe('embodied');
    const tasks = suite.tasks();
    expect(tasks.length).toBeGreaterThanOrEqual(72);
    tasks.forEach((task, index) => {
      expect(task.id).toBe(`household-${String(index + 1).padStart(3, '0')}`);
      expect(task.suite).toBe('household');
    });
    expect(new Set(tasks.map((task) => task.instruction)).size).toBe(tasks.length);
  });

  it('writes every instruction as one goal sentence in the stable grammar', () => {
    for (const task of suite.tasks()) {
      expect(task.instruction).toMatch(
        /^Your task is to: put (a|an|two) ((clean|hot|cold) )?[a-z]+ (in|on) [a-z]+ \d+\.$/,
      );
    }
    const kinds = new Set(suite.tasks().map((task) => `${task.goal.count}-${task.goal.modifier ?? 'none'}`));
    for (const kind of ['1-none', '2-none', '1-clean', '1-hot', '1-cold']) expect(kinds).toContain(kind);
    expect(suite.tasks().some((task) => task.features.hidden)).toBe(true);
    expect(suite.tasks().some((task) => task.features.objectsAway)).toBe(true);
  });

  it('is deterministic under the suite seed and different under another', () => {
    const again = createHouseholdSuite();
    expect(JSON.stringify(again.tasks())).toBe(JSON.stringify(suite.tasks()));
    const other = createHouseholdSuite({ seed: 12345 });
    expect(JSON.stringify(other.tasks())).not.toBe(JSON.stringify(suite.tasks()));
  });

  it('splits about 70/30, stratified so both splits hold every difficulty', () => {
    const adaptation = suite.tasks('adaptation');
    const heldout = suite.tasks('heldout');
    expect(adaptation.length + heldout.length).toBe(suite.tasks().length);
    const share = heldout.length / suite.tasks().length;
    expect(share).toBeGreaterThan(0.25);
    expect(share).toBeLessThan(0.35);
    for (let difficulty = 1; difficulty <= HOUSEHOLD_DIFFICULTY_RANGES.length; difficulty++) {
      expect(adaptation.some((task) => task.difficulty === difficulty)).toBe(true);
      expect(heldout.some((task) => task.difficulty === difficulty)).toBe(true);
    }
  });

  it('grades difficulty by the optimal plan length, from a 4-action fetch to a 20-action errand', () => {
    for (const task of suite.tasks()) {
      const [min, max] = HOUSEHOLD_DIFFICULTY_RANGES[task.difficulty - 1]!;
      expect(task.optimalActions).toBeGreaterThanOrEqual(min);
      expect(task.optimalActions).toBeLessThanOrEqual(max);
    }
    const lengths = suite.tasks().map((task) => task.optimalActions);
    expect(Math.min(...lengths)).toBe(4);
    expect(Math.max(...lengths)).toBeGreaterThanOrEqual(18);
  });

  it('freezes tasks so a caller cannot alter a world through them', () => {
    const task = suite.tasks()[0]!;
    expect(Object.isFrozen(task)).toBe(true);
    expect(Object.isFrozen(task.layout.objects)).toBe(true);
  });
});

describe('household suite: every task is solvable', () => {
  it.each(suite.tasks().map((task) => [task.id, task] as const))(
    '%s: the oracle solves it in its optimal length, within budget',
    async (_id, task) => {
      const plan = solveHouseholdTask(task);
      expect(plan.at(-1)?.name).toBe('finish');
      expect(plan.length - 1).toBe(task.optimalActions);
      expect(plan.length + 1 + MARGIN).toBeLessThanOrEqual(TURN_BUDGET);
      for (const seed of [1, 99]) {
        const episode = suite.reset(task, seed);
        for (const action of plan) {
          const result = await episode.step({ name: action.name, arguments: action.arguments });
          expect(
            result.isError,
            `${action.name} ${JSON.stringify(action.arguments)}: ${result.content}`,
          ).toBe(false);
        }
        expect(episode.done).toBe(true);
        expect(episode.score()).toMatchObject({ success: true, reward: 1 });
      }
    },
  );
});

describe('household suite: episodes', () => {
  const task = suite
    .tasks()
    .find((candidate) => candidate.goal.count === 2 && candidate.goal.modifier !== null)!;

  it('scores partial credit: the right type without its state counts half', async () => {
    const plan = solveHouseholdTask(task);
    const applianceTool = { clean: 'clean', hot: 'heat', cold: 'cool' }[task.goal.modifier!];
    const episode = suite.reset(task, 3);
    expect(episode.score()).toMatchObject({ success: false, reward: 0 });
    // Carry out the plan but skip the appliance for every object: both arrive untreated.
    for (const action of plan.filter(
      (candidate) => candidate.name !== applianceTool && candidate.name !== 'finish',
    )) {
      await episode.step({ name: action.name, arguments: action.arguments });
    }
    const untreated = episode.score();
    expect(untreated.success).toBe(false);
    expect(untreated.reward).toBe(0.5);
    expect(untreated.details).toMatchObject({ 'conditions met': 0, 'conditions total': 2, finished: false });
    expect(String(untreated.details?.['condition 1'])).toMatch(/^half met by /);
  });

  it('scores one of two objects delivered as half, and success only when all conditions hold', async () => {
    const plan = solveHouseholdTask(task);
    const firstPut = plan.findIndex((action) => action.name === 'put');
    const episode = suite.reset(task, 3);
    for (const action of plan.slice(0, firstPut + 1)) {
      await episode.step({ name: action.name, arguments: action.arguments });
    }
    expect(episode.score()).toMatchObject({ success: false, reward: 0.5 });
    expect(episode.done).toBe(false);
  });

  it('ends the episode on finish, and answers later calls with an error', async () => {
    const episode = suite.reset(task, 1);
    expect(await episode.step({ name: 'finish', arguments: {} })).toEqual({
      content: 'You finish the task.',
      isError: false,
    });
    expect(episode.done).toBe(true);
    expect(await episode.step({ name: 'look', arguments: {} })).toEqual({
      content: 'Error: the episode is over.',
      isError: true,
    });
    expect(episode.score().details).toMatchObject({ finished: true });
  });

  it('answers schema errors with the expected arguments, without spending an action', async () => {
    const episode = suite.reset(task, 1);
    expect(await episode.step({ name: 'take', arguments: { object: 'mug 1' } })).toEqual({
      content: 'Error: take expects {"object": string, "source": string}; missing "source".',
      isError: true,
    });
    expect(episode.score().details).toMatchObject({ 'valid actions': 0 });
  });

  it('varies only non-structural details between rollout seeds', async () => {
    const first = suite.reset(task, 1);
    const second = suite.reset(task, 2);
    const look = async (episode: typeof first) =>
      (await episode.step({ name: 'look', arguments: {} })).content;
    expect(await look(first)).toBe(await look(second));
  });

  it('rejects a task of another suite and a bad seed with an InputError', () => {
    expect(() =>
      suite.reset({ id: 'shop-001', suite: 'shop', split: 'heldout', instruction: '', difficulty: 1 }, 1),
    ).toThrow(InputError);
    expect(() => suite.reset(task, Number.NaN)).toThrow(/expected a safe integer/);
    expect(() => createHouseholdSuite({ seed: 1.5 })).toThrow(InputError);
  });
});
