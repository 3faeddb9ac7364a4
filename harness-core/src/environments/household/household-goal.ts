/**
 * Goal conditions and scoring. A goal of `count` objects gives `count` conditions; each is met by
 * a distinct object of the right type in the target (with the required state), and half met by one
 * of the right type without that state.
 */
import type { EpisodeScore } from '../environment.ts';
import type { GoalModifier } from './household-catalog.ts';
import type { HouseholdGoal, HouseholdObjectState, HouseholdWorldState } from './household-world.ts';

export function hasModifier(state: HouseholdObjectState, modifier: GoalModifier | null): boolean {
  if (modifier === null) return true;
  if (modifier === 'clean') return state.clean === true;
  return state.temperature === modifier;
}

export interface HouseholdConditionResult {
  /** 1 met, 0.5 right type but missing the required state, 0 not met. */
  readonly credit: number;
  /** The object that satisfies (or half-satisfies) the condition, when there is one. */
  readonly object: string | null;
}

/** Credits per condition, best objects first, each object used at most once. */
export function evaluateHouseholdGoal(
  world: HouseholdWorldState,
  goal: HouseholdGoal,
): readonly HouseholdConditionResult[] {
  const inTarget = (world.contents.get(goal.target) ?? []).filter(
    (name) => world.objects.get(name)?.type === goal.type,
  );
  const ranked = inTarget
    .map((name) => {
      const state = world.objects.get(name);
      return { name, credit: state && hasModifier(state, goal.modifier) ? 1 : 0.5 };
    })
    .sort((a, b) => b.credit - a.credit || a.name.localeCompare(b.name));
  const results: HouseholdConditionResult[] = [];
  for (let i = 0; i < goal.count; i++) {
    const match = ranked[i];
    results.push(match ? { credit: match.credit, object: match.name } : { credit: 0, object: null });
  }
  return results;
}

/** The episode score: success when every condition is fully met; reward is the mean credit. */
export function scoreHouseholdGoal(
  world: HouseholdWorldState,
  goal: HouseholdGoal,
  extraDetails: Record<string, string | number | boolean> = {},
): EpisodeScore {
  const conditions = evaluateHouseholdGoal(world, goal);
  const reward = conditions.reduce((sum, condition) => sum + condition.credit, 0) / conditions.length;
  const details: Record<string, string | number | boolean> = { ...extraDetails };
  conditions.forEach((condition, index) => {
    const state = condition.credit === 1 ? 'met' : condition.credit === 0.5 ? 'half met' : 'not met';
    details[`condition ${index + 1}`] = condition.object === null ? state : `${state} by ${condition.object}`;
  });
  details['conditions met'] = conditions.filter((condition) => condition.credit === 1).length;
  details['conditions total'] = conditions.length;
  return { success: conditions.every((condition) => condition.credit === 1), reward, details };
}
