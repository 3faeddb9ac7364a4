/** The suites the CLI can run, by id. */
import type { Suite } from '../environments/environment.ts';
import { createHouseholdSuite } from '../environments/household/index.ts';

export const SUITE_FACTORIES: Record<string, () => Suite> = {
  household: () => createHouseholdSuite(),
};
