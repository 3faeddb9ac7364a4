/**
 * The worker's planner: from the goal it recalls and what it believes, the next action. It fetches
 * a known object (nearest first), treats it at the right appliance, carries it to the target, and
 * explores unexplored receptacles (current room first, likely places first) when it knows of no
 * object to fetch. Forgotten facts simply look unexplored, which is how long contexts waste turns.
 */
import { type Beliefs, kindOf } from './beliefs.ts';
import { plausibility, roomRankForKind, roomRankForObject } from './commonsense.ts';
import { applianceKindFor, applianceVerbFor } from './worker-plan.ts';
import type { Modifier, SimulatedGoal } from './world-sentences.ts';

export interface PlannedAction {
  readonly name: string;
  readonly args: Readonly<Record<string, string>>;
  /** The plan step this action serves (1-based), for the `Next: step N` of a written plan. */
  readonly step: number;
}

const STATE_FOR_MODIFIER: Readonly<Record<Modifier, string>> = { clean: 'clean', hot: 'hot', cold: 'cold' };

export function believesModifier(beliefs: Beliefs, object: string, modifier: Modifier | null): boolean {
  return modifier === null || (beliefs.states.get(object)?.has(STATE_FOR_MODIFIER[modifier]) ?? false);
}

/** Objects the worker believes already satisfy the goal (right type, state, in the target). */
export function believedSatisfying(beliefs: Beliefs, goal: SimulatedGoal): string[] {
  return [...beliefs.locationOf]
    .filter(
      ([object, where]) =>
        where === goal.target &&
        kindOf(object) === goal.type &&
        believesModifier(beliefs, object, goal.modifier),
    )
    .map(([object]) => object);
}

function steps(goal: SimulatedGoal): { find: number; treat: number; put: number; finish: number } {
  const treat = goal.modifier === null ? 1 : 2;
  return { find: 1, treat, put: treat + 1, finish: treat + 2 };
}

const act = (name: string, args: Record<string, string>, step: number): PlannedAction => ({
  name,
  args,
  step,
});

/** The first move towards `receptacle`, or `null` when the worker already stands there. */
function moveTowards(beliefs: Beliefs, receptacle: string, step: number): PlannedAction | null {
  const room = beliefs.roomOf.get(receptacle);
  if (room !== undefined && room !== beliefs.room) return act('go_to', { target: room }, step);
  if (beliefs.at !== receptacle) return act('go_to', { target: receptacle }, step);
  return null;
}

function unseenRooms(beliefs: Beliefs): string[] {
  return [...beliefs.rooms].filter((room) => room !== beliefs.room && !beliefs.roomReceptacles.has(room));
}

/** Goes to the unseen room most likely to hold a receptacle of `kind`. */
function searchRoomsFor(beliefs: Beliefs, kind: string, step: number): PlannedAction | null {
  const rooms = unseenRooms(beliefs).sort((a, b) => roomRankForKind(kind, a) - roomRankForKind(kind, b));
  return rooms[0] === undefined ? null : act('go_to', { target: rooms[0] }, step);
}

/** Steps to reach (and open, when `needOpen`) a receptacle known by name, exploring if its room is unknown. */
function reach(beliefs: Beliefs, receptacle: string, needOpen: boolean, step: number): PlannedAction | null {
  if (!beliefs.roomOf.has(receptacle) && beliefs.at !== receptacle) {
    // With every room seen and the receptacle in none of them, it may just be here: try it.
    return searchRoomsFor(beliefs, kindOf(receptacle), step) ?? act('go_to', { target: receptacle }, step);
  }
  const move = moveTowards(beliefs, receptacle, step);
  if (move) return move;
  if (needOpen && beliefs.open.get(receptacle) === false) return act('open', { target: receptacle }, step);
  return null;
}

function visit(beliefs: Beliefs, receptacle: string, step: number): PlannedAction {
  if (beliefs.at === receptacle && beliefs.open.get(receptacle) === false) {
    return act('open', { target: receptacle }, step);
  }
  return moveTowards(beliefs, receptacle, step) ?? act('go_to', { target: receptacle }, step);
}

/**
 * The next exploration step when looking for an object of `goal.type`, or `null` when nothing is
 * left: likely receptacles first, in the likeliest room first (the current room wins ties), cheap
 * ones (already open) before closed ones; unlikely receptacles only after every likely one.
 */
function explore(beliefs: Beliefs, goal: SimulatedGoal, step: number): PlannedAction | null {
  const unexplored = (receptacle: string) => !beliefs.contents.has(receptacle) && receptacle !== goal.target;
  const score = (receptacle: string) => plausibility(goal.type, kindOf(receptacle));
  const cost = (receptacle: string) => (beliefs.open.get(receptacle) === false ? 2 : 1);
  const rooms = [...new Set([...(beliefs.room === undefined ? [] : [beliefs.room]), ...beliefs.rooms])].sort(
    (a, b) =>
      roomRankForObject(goal.type, a) - roomRankForObject(goal.type, b) ||
      Number(b === beliefs.room) - Number(a === beliefs.room),
  );
  for (const room of rooms) {
    const listing = beliefs.roomReceptacles.get(room);
    if (listing === undefined) {
      if (room !== beliefs.room) return act('go_to', { target: room }, step);
      continue;
    }
    const likely = listing
      .filter((r) => unexplored(r) && score(r) > 0)
      .sort((a, b) => score(b) - score(a) || cost(a) - cost(b));
    if (likely[0] === undefined) continue;
    return room === beliefs.room ? visit(beliefs, likely[0], step) : act('go_to', { target: room }, step);
  }
  const here = beliefs.room === undefined ? [] : (beliefs.roomReceptacles.get(beliefs.room) ?? []);
  const unlikelyHere = here.find(unexplored);
  if (unlikelyHere !== undefined) return visit(beliefs, unlikelyHere, step);
  for (const room of rooms) {
    if ((beliefs.roomReceptacles.get(room) ?? []).some(unexplored))
      return act('go_to', { target: room }, step);
  }
  return null;
}

function nearestObject(beliefs: Beliefs, objects: readonly string[]): string | undefined {
  const cost = (object: string) => {
    const where = beliefs.locationOf.get(object) ?? '';
    if (where === beliefs.at) return 0;
    return beliefs.roomOf.get(where) === beliefs.room ? 1 : 2;
  };
  return [...objects].sort((a, b) => cost(a) - cost(b) || a.localeCompare(b))[0];
}

function treatHeld(beliefs: Beliefs, goal: SimulatedGoal, held: string, step: number): PlannedAction | null {
  const modifier = goal.modifier as Modifier;
  const kind = applianceKindFor(modifier);
  const known = [...beliefs.roomOf.keys()].filter((name) => kindOf(name) === kind);
  if (beliefs.at !== null && kindOf(beliefs.at) === kind) {
    return act(applianceVerbFor(modifier), { object: held, target: beliefs.at }, step);
  }
  const appliance = known.find((name) => beliefs.roomOf.get(name) === beliefs.room) ?? known[0];
  if (appliance === undefined) return searchRoomsFor(beliefs, kind, step);
  return moveTowards(beliefs, appliance, step);
}

function putDownIrrelevant(beliefs: Beliefs, held: string): PlannedAction | null {
  if (beliefs.at !== null) {
    if (beliefs.open.get(beliefs.at) === false) return act('open', { target: beliefs.at }, 1);
    return act('put', { object: held, target: beliefs.at }, 1);
  }
  const here = beliefs.room === undefined ? [] : (beliefs.roomReceptacles.get(beliefs.room) ?? []);
  const surface = here.find((name) => !beliefs.open.has(name)) ?? here[0];
  return surface === undefined ? null : act('go_to', { target: surface }, 1);
}

/**
 * The next action for `goal` given `beliefs`: `finish` once it believes the goal is met, `look`
 * when it does not know where it is, and `null` when it has nothing left to try.
 */
export function planNextAction(goal: SimulatedGoal, beliefs: Beliefs): PlannedAction | null {
  const step = steps(goal);
  if (believedSatisfying(beliefs, goal).length >= goal.count) return act('finish', {}, step.finish);
  if (beliefs.room === undefined) return act('look', {}, step.find);
  const held = beliefs.held;
  if (held !== null) {
    if (kindOf(held) !== goal.type) return putDownIrrelevant(beliefs, held);
    if (!believesModifier(beliefs, held, goal.modifier)) return treatHeld(beliefs, goal, held, step.treat);
    return (
      reach(beliefs, goal.target, true, step.put) ??
      act('put', { object: held, target: goal.target }, step.put)
    );
  }
  const satisfied = new Set(believedSatisfying(beliefs, goal));
  const candidates = [...beliefs.locationOf]
    .filter(([object, where]) => kindOf(object) === goal.type && where !== 'held' && !satisfied.has(object))
    .map(([object]) => object);
  const object = nearestObject(beliefs, candidates);
  if (object !== undefined) {
    const source = beliefs.locationOf.get(object)!;
    return reach(beliefs, source, true, step.find) ?? act('take', { object, source }, step.find);
  }
  return explore(beliefs, goal, step.find);
}
