/** The `household` suite: an ALFWorld-like text world with graded, seeded tasks. */
export type { GoalModifier, HouseholdRoom } from './household-catalog.ts';
export { HOUSEHOLD_ROOMS } from './household-catalog.ts';
export type { HouseholdTaskFeatures } from './household-layout-generator.ts';
export type { HouseholdAction } from './household-solver.ts';
export type { HouseholdSuite, HouseholdSuiteOptions } from './household-suite.ts';
export {
  createHouseholdSuite,
  HOUSEHOLD_DEFAULT_SEED,
  householdSuiteOptionsSchema,
  solveHouseholdTask,
} from './household-suite.ts';
export type { HouseholdTask } from './household-tasks.ts';
export { HOUSEHOLD_DIFFICULTY_RANGES, householdDifficultyOf } from './household-tasks.ts';
export { NOTHING_HAPPENS } from './household-text.ts';
export { HOUSEHOLD_TOOLS } from './household-tools.ts';
export type { HouseholdGoal, HouseholdLayout } from './household-world.ts';
