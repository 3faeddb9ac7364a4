/**
 * The household task list: generated deterministically from the suite seed, graded by the length
 * of the oracle's optimal plan, and split adaptation/heldout (about 70/30) within each difficulty
 * so that both splits hold every length.
 */
import { SystemError } from '../../errors.ts';
import type { Split, TaskSpec } from '../environment.ts';
import type { GoalModifier } from './household-catalog.ts';
import {
  drawHouseholdCandidate,
  type HouseholdCandidate,
  type HouseholdTaskFeatures,
} from './household-layout-generator.ts';
import { createMulberry32, hashSeed, pickOne, type RandomSource, shuffled } from './household-random.ts';
import { solveHouseholdLayout } from './household-solver.ts';
import { formatGoalSentence } from './household-text.ts';
import type { HouseholdGoal, HouseholdLayout } from './household-world.ts';

/** A household task: the common task fields plus the world and goal it is built from. */
export interface HouseholdTask extends TaskSpec {
  readonly goal: HouseholdGoal;
  readonly layout: HouseholdLayout;
  /** Length of the oracle's plan, not counting the final `finish`. */
  readonly optimalActions: number;
  readonly features: HouseholdTaskFeatures;
}

/**
 * Optimal-action ranges of each difficulty (inclusive): difficulty 1 is a 4-action fetch and
 * difficulty 6 an 18–21-action errand (two objects, each treated at an appliance, across rooms,
 * some hidden). Longer optimal plans would leave no room for exploration in a 30-turn budget: an
 * agent does not know where things are, the oracle does.
 */
export const HOUSEHOLD_DIFFICULTY_RANGES: readonly (readonly [number, number])[] = [
  [4, 4],
  [5, 7],
  [8, 10],
  [11, 14],
  [15, 17],
  [18, 21],
];

/** Tasks per difficulty, and how many of them go to the heldout split. */
export const HOUSEHOLD_TASKS_PER_DIFFICULTY = 13;
export const HOUSEHOLD_HELDOUT_PER_DIFFICULTY = 4;

const MAX_DRAWS = 20_000;

/** The difficulty (1-based) of an optimal plan length, or `undefined` when outside every range. */
export function householdDifficultyOf(optimalActions: number): number | undefined {
  const index = HOUSEHOLD_DIFFICULTY_RANGES.findIndex(
    ([min, max]) => optimalActions >= min && optimalActions <= max,
  );
  return index === -1 ? undefined : index + 1;
}

const FEATURE_NAMES = ['modifier', 'objectsAway', 'startAway', 'hidden', 'targetClosed'] as const;

/** How many extra features a draw aimed at a difficulty gets, and how many goal objects. */
const FEATURE_PLANS: readonly (readonly { count: 1 | 2; features: number }[])[] = [
  [{ count: 1, features: 0 }],
  [{ count: 1, features: 1 }],
  [
    { count: 1, features: 2 },
    { count: 1, features: 3 },
    { count: 2, features: 0 },
    { count: 2, features: 1 },
  ],
  [
    { count: 1, features: 4 },
    { count: 1, features: 5 },
    { count: 2, features: 1 },
    { count: 2, features: 2 },
  ],
  [
    { count: 2, features: 2 },
    { count: 2, features: 3 },
  ],
  [
    { count: 2, features: 3 },
    { count: 2, features: 4 },
    { count: 2, features: 5 },
  ],
];

function drawFeatures(random: RandomSource, difficulty: number): HouseholdTaskFeatures {
  const plan = pickOne(random, FEATURE_PLANS[difficulty - 1] ?? FEATURE_PLANS[0]!);
  const chosen = new Set(shuffled(random, FEATURE_NAMES).slice(0, plan.features));
  const modifier: GoalModifier | null = chosen.has('modifier')
    ? pickOne(random, ['clean', 'hot', 'cold'] as const)
    : null;
  return {
    count: plan.count,
    modifier,
    objectsAway: chosen.has('objectsAway'),
    startAway: chosen.has('startAway'),
    hidden: chosen.has('hidden'),
    targetClosed: chosen.has('targetClosed'),
  };
}

interface AcceptedCandidate {
  readonly candidate: HouseholdCandidate;
  readonly optimalActions: number;
}

/** Draws candidates round-robin over the difficulties that still need tasks until each is full. */
function drawBuckets(random: RandomSource): AcceptedCandidate[][] {
  const buckets: AcceptedCandidate[][] = HOUSEHOLD_DIFFICULTY_RANGES.map(() => []);
  const seenInstructions = new Set<string>();
  let draws = 0;
  let aim = 0;
  while (buckets.some((bucket) => bucket.length < HOUSEHOLD_TASKS_PER_DIFFICULTY)) {
    if (draws++ > MAX_DRAWS) throw new SystemError('household task generation did not fill every difficulty');
    aim = (aim + 1) % buckets.length;
    if ((buckets[aim]?.length ?? 0) >= HOUSEHOLD_TASKS_PER_DIFFICULTY) continue;
    const candidate = drawHouseholdCandidate(random, drawFeatures(random, aim + 1));
    if (candidate === null) continue;
    const optimalActions = solveHouseholdLayout(candidate.layout, candidate.goal).length - 1;
    const difficulty = householdDifficultyOf(optimalActions);
    if (difficulty === undefined) continue;
    const bucket = buckets[difficulty - 1]!;
    // A repeated instruction with a different world would read as a duplicate in reports.
    const instruction = formatGoalSentence(candidate.goal);
    if (bucket.length >= HOUSEHOLD_TASKS_PER_DIFFICULTY || seenInstructions.has(instruction)) continue;
    seenInstructions.add(instruction);
    bucket.push({ candidate, optimalActions });
  }
  return buckets;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Generates the suite's tasks from `seed`: the same seed always gives the same list (ids
 * `household-001`.., ordered by difficulty), another seed a different one.
 */
export function generateHouseholdTasks(seed: number): readonly HouseholdTask[] {
  const random = createMulberry32(hashSeed(seed, 'household-tasks'));
  const buckets = drawBuckets(random);
  const tasks: HouseholdTask[] = [];
  buckets.forEach((bucket, index) => {
    const heldout = new Set(shuffled(random, bucket).slice(0, HOUSEHOLD_HELDOUT_PER_DIFFICULTY));
    for (const accepted of bucket) {
      const split: Split = heldout.has(accepted) ? 'heldout' : 'adaptation';
      tasks.push({
        id: `household-${String(tasks.length + 1).padStart(3, '0')}`,
        suite: 'household',
        split,
        instruction: formatGoalSentence(accepted.candidate.goal),
        difficulty: index + 1,
        goal: accepted.candidate.goal,
        layout: accepted.candidate.layout,
        optimalActions: accepted.optimalActions,
        features: accepted.candidate.features,
      });
    }
  });
  return deepFreeze(tasks);
}
