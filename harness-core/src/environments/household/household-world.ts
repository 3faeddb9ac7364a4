/**
 * The household world: the immutable layout a task fixes (rooms, receptacles, where each object
 * starts, where the agent starts) and the mutable state one episode changes.
 */
import { type GoalModifier, type HouseholdRoom, kindOfName, RECEPTACLE_KINDS } from './household-catalog.ts';
import { createMulberry32, hashSeed, randomInt, shuffled } from './household-random.ts';

export type Temperature = 'room' | 'hot' | 'cold';

export interface HouseholdObjectSpec {
  /** Numbered name, e.g. `mug 1`. */
  readonly name: string;
  readonly type: string;
  /** Receptacle it starts in. */
  readonly receptacle: string;
  /** `null` for objects that are neither clean nor dirty (a cellphone). */
  readonly clean: boolean | null;
  readonly temperature: Temperature;
  /** Distractors are not of the goal's type; a rollout seed may vary their state. */
  readonly distractor: boolean;
}

export interface HouseholdRoomSpec {
  readonly room: HouseholdRoom;
  /** Receptacle names in listing order. */
  readonly receptacles: readonly string[];
}

/** Everything structural about a task's world: fixed by the suite seed, equal for every rollout. */
export interface HouseholdLayout {
  readonly rooms: readonly HouseholdRoomSpec[];
  readonly objects: readonly HouseholdObjectSpec[];
  readonly startRoom: HouseholdRoom;
}

/** What a task asks: `count` objects of `type`, each with `modifier` if set, in or on `target`. */
export interface HouseholdGoal {
  readonly type: string;
  readonly count: 1 | 2;
  readonly modifier: GoalModifier | null;
  readonly target: string;
}

export interface HouseholdObjectState {
  readonly type: string;
  clean: boolean | null;
  temperature: Temperature;
}

/** The mutable state of one episode. */
export interface HouseholdWorldState {
  room: HouseholdRoom;
  /** The receptacle the agent stands at, or `null` in the middle of the room. */
  at: string | null;
  held: string | null;
  readonly roomOrder: readonly HouseholdRoom[];
  readonly roomReceptacles: ReadonlyMap<HouseholdRoom, readonly string[]>;
  readonly receptacleRoom: ReadonlyMap<string, HouseholdRoom>;
  /** Open state of closable receptacles only. */
  readonly open: Map<string, boolean>;
  /** Objects in each receptacle, in listing order. */
  readonly contents: Map<string, string[]>;
  readonly objects: ReadonlyMap<string, HouseholdObjectState>;
}

/**
 * Builds a fresh world for one rollout. `seed` varies only what cannot change the optimal plan:
 * the order objects are listed in, and the clean/temperature state of distractors.
 */
export function createHouseholdWorld(layout: HouseholdLayout, seed: number): HouseholdWorldState {
  const random = createMulberry32(hashSeed(seed, 'household-rollout'));
  const roomReceptacles = new Map<HouseholdRoom, readonly string[]>();
  const receptacleRoom = new Map<string, HouseholdRoom>();
  const open = new Map<string, boolean>();
  const contents = new Map<string, string[]>();
  for (const spec of layout.rooms) {
    roomReceptacles.set(spec.room, spec.receptacles);
    for (const receptacle of spec.receptacles) {
      receptacleRoom.set(receptacle, spec.room);
      contents.set(receptacle, []);
      if (RECEPTACLE_KINDS[kindOfName(receptacle)]?.closable) open.set(receptacle, false);
    }
  }
  const objects = new Map<string, HouseholdObjectState>();
  for (const spec of layout.objects) {
    let clean = spec.clean;
    let temperature = spec.temperature;
    if (spec.distractor) {
      if (clean !== null) clean = random() < 0.5;
      temperature = (['room', 'room', 'hot', 'cold'] as const)[randomInt(random, 0, 3)] ?? 'room';
    }
    objects.set(spec.name, { type: spec.type, clean, temperature });
    contents.get(spec.receptacle)?.push(spec.name);
  }
  for (const [receptacle, list] of contents) contents.set(receptacle, shuffled(random, list));
  return {
    room: layout.startRoom,
    at: null,
    held: null,
    roomOrder: layout.rooms.map((spec) => spec.room),
    roomReceptacles,
    receptacleRoom,
    open,
    contents,
    objects,
  };
}

/** Where an object is: a receptacle name, `held`, or `undefined` when no such object exists. */
export function locateObject(world: HouseholdWorldState, object: string): string | undefined {
  if (world.held === object) return 'held';
  for (const [receptacle, list] of world.contents) if (list.includes(object)) return receptacle;
  return undefined;
}

/** Whether the agent can see into and reach inside `receptacle` (open, or not closable). */
export function isAccessible(world: HouseholdWorldState, receptacle: string): boolean {
  return world.open.get(receptacle) ?? true;
}
