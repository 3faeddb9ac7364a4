/**
 * Beliefs: what the worker thinks the world is like, folded from the facts it recalled on this
 * call in timeline order, so the latest recalled fact wins for each thing it is about.
 */
import type { WorldFact } from './world-sentences.ts';

export interface Beliefs {
  /** The room the worker thinks it is in; `undefined` when nothing tells it. */
  room: string | undefined;
  /** The receptacle it stands at; `null` in the middle of a room. */
  at: string | null;
  /** The object it holds; `null` when it thinks its hands are empty. */
  held: string | null;
  readonly rooms: Set<string>;
  /** Receptacles of each room it has seen listed. */
  readonly roomReceptacles: Map<string, string[]>;
  readonly roomOf: Map<string, string>;
  readonly open: Map<string, boolean>;
  /** Known contents of explored receptacles. */
  readonly contents: Map<string, Set<string>>;
  /** Where each known object is: a receptacle name or `held`. */
  readonly locationOf: Map<string, string>;
  readonly states: Map<string, Set<string>>;
}

export function emptyBeliefs(): Beliefs {
  return {
    room: undefined,
    at: null,
    held: null,
    rooms: new Set(),
    roomReceptacles: new Map(),
    roomOf: new Map(),
    open: new Map(),
    contents: new Map(),
    locationOf: new Map(),
    states: new Map(),
  };
}

/** The kind of a numbered name: `cabinet 2` → `cabinet`. */
export function kindOf(name: string): string {
  const space = name.lastIndexOf(' ');
  return space === -1 ? name : name.slice(0, space);
}

function moveObject(beliefs: Beliefs, object: string, to: string): void {
  const from = beliefs.locationOf.get(object);
  if (from !== undefined) beliefs.contents.get(from)?.delete(object);
  beliefs.locationOf.set(object, to);
  if (to !== 'held') beliefs.contents.get(to)?.add(object);
}

function standAt(beliefs: Beliefs, receptacle: string): void {
  beliefs.at = receptacle;
  const room = beliefs.roomOf.get(receptacle);
  if (room !== undefined) beliefs.room = room;
}

function addState(beliefs: Beliefs, object: string, add: string, remove: string): void {
  const states = beliefs.states.get(object) ?? new Set<string>();
  states.delete(remove);
  states.add(add);
  beliefs.states.set(object, states);
}

/** Applies one fact to `beliefs` (mutating it). */
export function applyFact(beliefs: Beliefs, fact: WorldFact): void {
  switch (fact.kind) {
    case 'room-view': {
      beliefs.room = fact.room;
      beliefs.at = null;
      beliefs.rooms.add(fact.room);
      for (const room of fact.otherRooms) beliefs.rooms.add(room);
      beliefs.roomReceptacles.set(
        fact.room,
        fact.receptacles.map((receptacle) => receptacle.name),
      );
      for (const receptacle of fact.receptacles) {
        beliefs.roomOf.set(receptacle.name, fact.room);
        if (receptacle.open !== undefined) beliefs.open.set(receptacle.name, receptacle.open);
      }
      return;
    }
    case 'at':
      standAt(beliefs, fact.receptacle);
      return;
    case 'contents': {
      for (const object of beliefs.contents.get(fact.receptacle) ?? []) {
        if (beliefs.locationOf.get(object) === fact.receptacle) beliefs.locationOf.delete(object);
      }
      beliefs.contents.set(fact.receptacle, new Set());
      for (const object of fact.objects) moveObject(beliefs, object, fact.receptacle);
      if (beliefs.held !== null && fact.objects.includes(beliefs.held)) beliefs.held = null;
      // Seeing inside a receptacle means it is open.
      if (beliefs.open.has(fact.receptacle)) beliefs.open.set(fact.receptacle, true);
      return;
    }
    case 'open-state':
      beliefs.open.set(fact.receptacle, fact.open);
      return;
    case 'pickup':
      standAt(beliefs, fact.source);
      moveObject(beliefs, fact.object, 'held');
      beliefs.held = fact.object;
      return;
    case 'put':
      standAt(beliefs, fact.target);
      moveObject(beliefs, fact.object, fact.target);
      if (beliefs.held === fact.object || beliefs.held === null) beliefs.held = null;
      return;
    case 'apply':
      standAt(beliefs, fact.appliance);
      beliefs.held = fact.object;
      beliefs.locationOf.set(fact.object, 'held');
      if (fact.effect === 'clean') addState(beliefs, fact.object, 'clean', 'dirty');
      else if (fact.effect === 'heat') addState(beliefs, fact.object, 'hot', 'cold');
      else addState(beliefs, fact.object, 'cold', 'hot');
      return;
    case 'object-state':
      beliefs.states.set(fact.object, new Set(fact.states));
      return;
    case 'carrying':
      if (beliefs.held !== null && beliefs.locationOf.get(beliefs.held) === 'held') {
        beliefs.locationOf.delete(beliefs.held);
      }
      beliefs.held = fact.object;
      if (fact.object !== null) moveObject(beliefs, fact.object, 'held');
      return;
  }
}

/** Beliefs from recalled facts, applied in timeline order. */
export function buildBeliefs(facts: readonly { value: WorldFact; order: number }[]): Beliefs {
  const beliefs = emptyBeliefs();
  for (const fact of [...facts].sort((a, b) => a.order - b.order)) applyFact(beliefs, fact.value);
  return beliefs;
}
