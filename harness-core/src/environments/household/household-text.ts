/**
 * The household's observation sentences. They are short, regular and stable on purpose: agents
 * (and the simulated worker double) read them, so a change here is a change of the suite's format.
 */
import { articleFor, kindOfName, pluralizeType, RECEPTACLE_KINDS } from './household-catalog.ts';
import type { HouseholdGoal, HouseholdObjectState, HouseholdWorldState } from './household-world.ts';

/** The answer to every action that is impossible in the current state (ALFWorld gives no reason). */
export const NOTHING_HAPPENS = 'Nothing happens.';

/** `a mug 1`, `a mug 1, and an apple 2`, `a mug 1, a pen 2, and an apple 2`, or `nothing`. */
export function formatObjectList(objects: readonly string[]): string {
  const items = objects.map((name) => `${articleFor(name)} ${name}`);
  if (items.length === 0) return 'nothing';
  if (items.length === 1) return items[0] as string;
  return `${items.slice(0, -1).join(', ')}, and ${items.at(-1)}`;
}

export function prepositionFor(receptacle: string): 'in' | 'on' {
  return RECEPTACLE_KINDS[kindOfName(receptacle)]?.preposition ?? 'on';
}

/** `On countertop 1 you see a mug 1.` / `In cabinet 1 you see nothing.` */
export function formatContents(receptacle: string, objects: readonly string[]): string {
  const preposition = prepositionFor(receptacle) === 'in' ? 'In' : 'On';
  return `${preposition} ${receptacle} you see ${formatObjectList(objects)}.`;
}

/** What the agent sees of a receptacle it stands at: its contents, or that it is closed. */
export function describeReceptacle(world: HouseholdWorldState, receptacle: string): string {
  const open = world.open.get(receptacle);
  const contents = world.contents.get(receptacle) ?? [];
  if (open === false) return `The ${receptacle} is closed.`;
  if (open === true) return `The ${receptacle} is open. ${formatContents(receptacle, contents)}`;
  return formatContents(receptacle, contents);
}

function describeSurroundings(world: HouseholdWorldState): string {
  const receptacles = (world.roomReceptacles.get(world.room) ?? []).map((name) => {
    const open = world.open.get(name);
    if (open === undefined) return name;
    return `${name} (${open ? 'open' : 'closed'})`;
  });
  const others = [...world.roomOrder].filter((room) => room !== world.room).sort();
  return `Around you: ${receptacles.join(', ')}. Other rooms: ${others.join(', ')}.`;
}

/** `You are in the kitchen. Around you: ... Other rooms: ...` (+ `You are at countertop 1.`). */
export function describeLook(world: HouseholdWorldState): string {
  const base = `You are in the ${world.room}. ${describeSurroundings(world)}`;
  return world.at === null ? base : `${base} You are at ${world.at}.`;
}

export function describeEnterRoom(world: HouseholdWorldState): string {
  return `You enter the ${world.room}. ${describeSurroundings(world)}`;
}

export function describeArrival(world: HouseholdWorldState, receptacle: string): string {
  return `You arrive at ${receptacle}. ${describeReceptacle(world, receptacle)}`;
}

/** `mug 1: clean, hot.` / `cellphone 1: nothing special.` */
export function describeObjectState(name: string, state: HouseholdObjectState): string {
  const parts: string[] = [];
  if (state.clean !== null) parts.push(state.clean ? 'clean' : 'dirty');
  if (state.temperature !== 'room') parts.push(state.temperature);
  return `${name}: ${parts.length === 0 ? 'nothing special' : parts.join(', ')}.`;
}

export function describeInventory(world: HouseholdWorldState): string {
  return world.held === null ? 'You are carrying nothing.' : `You are carrying: ${world.held}.`;
}

/** The one-sentence instruction: `Your task is to: put a clean mug in coffeemachine 1.` */
export function formatGoalSentence(goal: HouseholdGoal): string {
  const modifier = goal.modifier === null ? '' : `${goal.modifier} `;
  const object =
    goal.count === 2
      ? `two ${modifier}${pluralizeType(goal.type)}`
      : `${articleFor(modifier || goal.type)} ${modifier}${goal.type}`;
  return `Your task is to: put ${object} ${prepositionFor(goal.target)} ${goal.target}.`;
}
