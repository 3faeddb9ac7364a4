/**
 * The oracle: the shortest action list that solves a task when everything about its world is
 * known. Objects must be carried one at a time, so a plan is a sequence of per-object trips; the
 * solver tries every choice of objects, their order and the appliance used for each, and keeps the
 * shortest. Used to state each task's optimal length and, in tests, to prove every task solvable.
 */
import {
  APPLIANCE_FOR_MODIFIER,
  type HouseholdRoom,
  kindOfName,
  RECEPTACLE_KINDS,
} from './household-catalog.ts';
import type { HouseholdGoal, HouseholdLayout } from './household-world.ts';

export interface HouseholdAction {
  readonly name: string;
  readonly arguments: Readonly<Record<string, string>>;
}

const APPLIANCE_TOOL = { clean: 'clean', hot: 'heat', cold: 'cool' } as const;

function permutations<T>(items: readonly T[], size: number): T[][] {
  if (size === 0) return [[]];
  const out: T[][] = [];
  items.forEach((item, index) => {
    const rest = [...items.slice(0, index), ...items.slice(index + 1)];
    for (const tail of permutations(rest, size - 1)) out.push([item, ...tail]);
  });
  return out;
}

function product<T>(choices: readonly T[], size: number): T[][] {
  if (size === 0) return [[]];
  const out: T[][] = [];
  for (const head of choices) for (const tail of product(choices, size - 1)) out.push([head, ...tail]);
  return out;
}

interface Walker {
  room: HouseholdRoom;
  at: string | null;
  readonly opened: Set<string>;
  readonly actions: HouseholdAction[];
}

function walkTo(walker: Walker, receptacle: string, roomOf: ReadonlyMap<string, HouseholdRoom>): void {
  const room = roomOf.get(receptacle);
  if (room === undefined) throw new RangeError(`receptacle "${receptacle}" is not in the layout`);
  if (room !== walker.room) {
    walker.actions.push({ name: 'go_to', arguments: { target: room } });
    walker.room = room;
    walker.at = null;
  }
  if (walker.at !== receptacle) {
    walker.actions.push({ name: 'go_to', arguments: { target: receptacle } });
    walker.at = receptacle;
  }
}

function openIfClosed(walker: Walker, receptacle: string): void {
  if (RECEPTACLE_KINDS[kindOfName(receptacle)]?.closable && !walker.opened.has(receptacle)) {
    walker.actions.push({ name: 'open', arguments: { target: receptacle } });
    walker.opened.add(receptacle);
  }
}

/** The shortest plan for `goal` in `layout`, ending with `finish`. Throws when none exists. */
export function solveHouseholdLayout(layout: HouseholdLayout, goal: HouseholdGoal): HouseholdAction[] {
  const roomOf = new Map<string, HouseholdRoom>();
  for (const spec of layout.rooms)
    for (const receptacle of spec.receptacles) roomOf.set(receptacle, spec.room);
  const candidates = layout.objects.filter((object) => object.type === goal.type);
  const appliances =
    goal.modifier === null
      ? [null]
      : [...roomOf.keys()].filter((name) => kindOfName(name) === APPLIANCE_FOR_MODIFIER[goal.modifier!]);
  let best: HouseholdAction[] | null = null;
  for (const selection of permutations(candidates, goal.count)) {
    for (const applianceChoice of product(appliances, goal.count)) {
      const walker: Walker = { room: layout.startRoom, at: null, opened: new Set(), actions: [] };
      selection.forEach((object, index) => {
        walkTo(walker, object.receptacle, roomOf);
        openIfClosed(walker, object.receptacle);
        walker.actions.push({ name: 'take', arguments: { object: object.name, source: object.receptacle } });
        const appliance = applianceChoice[index];
        if (goal.modifier !== null && appliance) {
          walkTo(walker, appliance, roomOf);
          walker.actions.push({
            name: APPLIANCE_TOOL[goal.modifier],
            arguments: { object: object.name, target: appliance },
          });
        }
        walkTo(walker, goal.target, roomOf);
        openIfClosed(walker, goal.target);
        walker.actions.push({ name: 'put', arguments: { object: object.name, target: goal.target } });
      });
      if (best === null || walker.actions.length < best.length) best = walker.actions;
    }
  }
  if (best === null) throw new RangeError(`no plan: the layout has fewer than ${goal.count} ${goal.type}`);
  return [...best, { name: 'finish', arguments: {} }];
}
