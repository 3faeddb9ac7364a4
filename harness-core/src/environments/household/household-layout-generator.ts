/**
 * Draws one candidate task world (rooms, receptacles, goal objects, distractors, start room) for a
 * requested set of features. A draw may be impossible (no closed home for a hidden object in the
 * chosen room, ...); it then returns `null` and the caller draws again.
 */
import {
  canAcquire,
  type GoalModifier,
  HOUSEHOLD_ROOMS,
  type HouseholdRoom,
  kindOfName,
  OBJECT_TYPES,
  RECEPTACLE_KINDS,
  ROOM_TEMPLATES,
} from './household-catalog.ts';
import { pickOne, type RandomSource, randomInt, shuffled } from './household-random.ts';
import type {
  HouseholdGoal,
  HouseholdLayout,
  HouseholdObjectSpec,
  HouseholdRoomSpec,
} from './household-world.ts';

/** The ingredients that make a task longer; each one adds actions to the optimal plan. */
export interface HouseholdTaskFeatures {
  readonly count: 1 | 2;
  readonly modifier: GoalModifier | null;
  /** The goal objects start in another room than the target. */
  readonly objectsAway: boolean;
  /** The agent starts in another room than the (first) goal object. */
  readonly startAway: boolean;
  /** The goal objects start inside closed receptacles. */
  readonly hidden: boolean;
  /** The target is a closed receptacle. */
  readonly targetClosed: boolean;
}

export interface HouseholdCandidate {
  readonly goal: HouseholdGoal;
  readonly layout: HouseholdLayout;
  readonly features: HouseholdTaskFeatures;
}

function drawRooms(random: RandomSource): HouseholdRoomSpec[] {
  const counters = new Map<string, number>();
  return HOUSEHOLD_ROOMS.map((room) => {
    const receptacles: string[] = [];
    for (const [kind, [min, max]] of Object.entries(ROOM_TEMPLATES[room])) {
      const count = randomInt(random, min, max);
      for (let i = 0; i < count; i++) {
        const next = (counters.get(kind) ?? 0) + 1;
        counters.set(kind, next);
        receptacles.push(`${kind} ${next}`);
      }
    }
    return { room, receptacles };
  });
}

function isClosable(receptacle: string): boolean {
  return RECEPTACLE_KINDS[kindOfName(receptacle)]?.closable ?? false;
}

/** Receptacles in the plausible rooms of `type` whose kind is its home; closed ones only when `hidden`. */
function homesFor(
  rooms: readonly HouseholdRoomSpec[],
  type: string,
  hidden: boolean,
  exclude: string,
): { receptacle: string; room: HouseholdRoom }[] {
  const homes = OBJECT_TYPES[type]?.homes ?? [];
  const plausibleRooms = OBJECT_TYPES[type]?.rooms ?? [];
  const out: { receptacle: string; room: HouseholdRoom }[] = [];
  for (const spec of rooms) {
    if (!plausibleRooms.includes(spec.room)) continue;
    for (const receptacle of spec.receptacles) {
      if (receptacle === exclude || !homes.includes(kindOfName(receptacle))) continue;
      if (isClosable(receptacle) === hidden) out.push({ receptacle, room: spec.room });
    }
  }
  return out;
}

function drawDistractors(
  random: RandomSource,
  rooms: readonly HouseholdRoomSpec[],
  goalType: string,
  taken: Map<string, number>,
): HouseholdObjectSpec[] {
  const types = Object.keys(OBJECT_TYPES).filter((type) => type !== goalType);
  const out: HouseholdObjectSpec[] = [];
  const total = randomInt(random, 24, 34);
  for (let i = 0; i < total; i++) {
    const type = pickOne(random, types);
    const homes = [...homesFor(rooms, type, false, ''), ...homesFor(rooms, type, true, '')];
    if (homes.length === 0) continue;
    const number = (taken.get(type) ?? 0) + 1;
    taken.set(type, number);
    const info = OBJECT_TYPES[type];
    out.push({
      name: `${type} ${number}`,
      type,
      receptacle: pickOne(random, homes).receptacle,
      clean: info?.cleanable ? random() < 0.5 : null,
      temperature: 'room',
      distractor: true,
    });
  }
  return out;
}

/** One candidate world for `features`, or `null` when this draw cannot satisfy them. */
export function drawHouseholdCandidate(
  random: RandomSource,
  features: HouseholdTaskFeatures,
): HouseholdCandidate | null {
  const rooms = drawRooms(random);
  const roomOf = new Map<string, HouseholdRoom>();
  for (const spec of rooms) for (const receptacle of spec.receptacles) roomOf.set(receptacle, spec.room);
  const { modifier } = features;
  const types = Object.keys(OBJECT_TYPES).filter((type) => modifier === null || canAcquire(type, modifier));
  const type = pickOne(random, types);
  const targets = [...roomOf.keys()].filter(
    (name) =>
      OBJECT_TYPES[type]?.targets.includes(kindOfName(name)) && isClosable(name) === features.targetClosed,
  );
  if (targets.length === 0) return null;
  const target = pickOne(random, targets);
  const targetRoom = roomOf.get(target)!;
  const extra = random() < 0.3 ? 1 : 0;
  const objects: HouseholdObjectSpec[] = [];
  for (let i = 0; i < features.count + extra; i++) {
    const isGoalObject = i < features.count;
    const homes = homesFor(rooms, type, isGoalObject ? features.hidden : random() < 0.5, target).filter(
      (home) => !isGoalObject || (home.room === targetRoom) !== features.objectsAway,
    );
    if (homes.length === 0) return null;
    // Pairs tend to sit together, as in real homes: the second goal object shares the first's
    // receptacle or at least its room when it can.
    const first = objects[0];
    const firstRoom = first ? roomOf.get(first.receptacle) : undefined;
    const together = homes.filter((home) => home.receptacle === first?.receptacle);
    const sameRoom = homes.filter((home) => home.room === firstRoom);
    const roll = random();
    const pool =
      isGoalObject && roll < 0.4 && together.length > 0
        ? together
        : isGoalObject && roll < 0.8 && sameRoom.length > 0
          ? sameRoom
          : homes;
    const info = OBJECT_TYPES[type];
    objects.push({
      name: `${type} ${i + 1}`,
      type,
      receptacle: pickOne(random, pool).receptacle,
      clean: info?.cleanable ? (modifier === 'clean' ? false : random() < 0.5) : null,
      temperature: 'room',
      distractor: false,
    });
  }
  const firstRoom = roomOf.get(objects[0]!.receptacle)!;
  const otherRooms = HOUSEHOLD_ROOMS.filter((room) => room !== firstRoom);
  const startRoom = features.startAway ? pickOne(random, otherRooms) : firstRoom;
  const taken = new Map<string, number>([[type, objects.length]]);
  const distractors = drawDistractors(random, rooms, type, taken);
  const goal: HouseholdGoal = { type, count: features.count, modifier, target };
  // Goal objects get shuffled numbers so that `apple 1` is not always the nearest one.
  const numbers = shuffled(
    random,
    objects.map((_, index) => index + 1),
  );
  const numbered = objects.map((object, index) => ({ ...object, name: `${type} ${numbers[index]}` }));
  return { goal, layout: { rooms, objects: [...numbered, ...distractors], startRoom }, features };
}
