/**
 * The household's rules: one function per tool that changes the world and says what happened, or
 * answers `Nothing happens.` when the action is impossible in the current state.
 */
import { type ApplianceEffect, kindOfName, OBJECT_TYPES, RECEPTACLE_KINDS } from './household-catalog.ts';
import {
  describeArrival,
  describeEnterRoom,
  describeInventory,
  describeLook,
  describeObjectState,
  describeReceptacle,
  formatContents,
  NOTHING_HAPPENS,
  prepositionFor,
} from './household-text.ts';
import { type HouseholdWorldState, isAccessible } from './household-world.ts';

export interface HouseholdActionOutcome {
  readonly text: string;
  readonly ok: boolean;
}

const impossible: HouseholdActionOutcome = { text: NOTHING_HAPPENS, ok: false };
const done = (text: string): HouseholdActionOutcome => ({ text, ok: true });

function isRoomName(world: HouseholdWorldState, name: string): boolean {
  return world.roomOrder.some((room) => room === name);
}

function goTo(world: HouseholdWorldState, target: string): HouseholdActionOutcome {
  if (isRoomName(world, target)) {
    if (target === world.room) return impossible;
    world.room = target as HouseholdWorldState['room'];
    world.at = null;
    return done(describeEnterRoom(world));
  }
  if (world.receptacleRoom.get(target) !== world.room) return impossible;
  world.at = target;
  return done(describeArrival(world, target));
}

function setOpen(world: HouseholdWorldState, target: string, open: boolean): HouseholdActionOutcome {
  if (world.at !== target || world.open.get(target) !== !open) return impossible;
  world.open.set(target, open);
  if (!open) return done(`You close the ${target}.`);
  return done(`You open the ${target}. ${formatContents(target, world.contents.get(target) ?? [])}`);
}

function take(world: HouseholdWorldState, object: string, source: string): HouseholdActionOutcome {
  const contents = world.contents.get(source);
  if (world.at !== source || !contents || !isAccessible(world, source)) return impossible;
  if (world.held !== null || !contents.includes(object)) return impossible;
  contents.splice(contents.indexOf(object), 1);
  world.held = object;
  return done(`You pick up the ${object} from the ${source}.`);
}

function put(world: HouseholdWorldState, object: string, target: string): HouseholdActionOutcome {
  const contents = world.contents.get(target);
  if (world.at !== target || !contents || !isAccessible(world, target) || world.held !== object) {
    return impossible;
  }
  contents.push(object);
  world.held = null;
  return done(`You put the ${object} ${prepositionFor(target)} the ${target}.`);
}

const EFFECT_VERB: Readonly<Record<ApplianceEffect, string>> = { clean: 'clean', heat: 'heat', cool: 'cool' };

function useAppliance(
  world: HouseholdWorldState,
  effect: ApplianceEffect,
  object: string,
  target: string,
): HouseholdActionOutcome {
  if (RECEPTACLE_KINDS[kindOfName(target)]?.appliance !== effect) return impossible;
  if (world.at !== target || world.held !== object) return impossible;
  const state = world.objects.get(object);
  const type = state ? OBJECT_TYPES[state.type] : undefined;
  if (!state || !type) return impossible;
  if (effect === 'clean') {
    if (!type.cleanable) return impossible;
    state.clean = true;
  } else if (effect === 'heat') {
    if (!type.heatable) return impossible;
    state.temperature = 'hot';
  } else {
    if (!type.coolable) return impossible;
    state.temperature = 'cold';
  }
  return done(`You ${EFFECT_VERB[effect]} the ${object} using the ${target}.`);
}

function examine(world: HouseholdWorldState, target: string): HouseholdActionOutcome {
  const state = world.objects.get(target);
  if (state) {
    const visible =
      world.held === target ||
      (world.at !== null && isAccessible(world, world.at) && world.contents.get(world.at)?.includes(target));
    return visible ? done(describeObjectState(target, state)) : impossible;
  }
  if (world.at !== target) return impossible;
  return done(describeReceptacle(world, target));
}

/**
 * Applies one validated call (`finish` is the suite's business, not the world's). Argument values
 * are already normalised; unknown names simply make the action impossible.
 */
export function applyHouseholdAction(
  world: HouseholdWorldState,
  name: string,
  args: Readonly<Record<string, string>>,
): HouseholdActionOutcome {
  const target = args['target'] ?? '';
  const object = args['object'] ?? '';
  switch (name) {
    case 'look':
      return done(describeLook(world));
    case 'inventory':
      return done(describeInventory(world));
    case 'go_to':
      return goTo(world, target);
    case 'open':
      return setOpen(world, target, true);
    case 'close':
      return setOpen(world, target, false);
    case 'take':
      return take(world, object, args['source'] ?? '');
    case 'put':
      return put(world, object, target);
    case 'clean':
      return useAppliance(world, 'clean', object, target);
    case 'heat':
      return useAppliance(world, 'heat', object, target);
    case 'cool':
      return useAppliance(world, 'cool', object, target);
    case 'examine':
      return examine(world, target);
    default:
      return impossible;
  }
}
