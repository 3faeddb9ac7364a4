/**
 * The household's fixed vocabulary: rooms, receptacle kinds (which open and close, which are
 * appliances) and object types (what can be cleaned, heated or cooled, where each usually lives).
 * Task generation draws from these tables; the world rules consult them.
 */

/** Rooms in the order receptacles are numbered (numbering is unique across the house). */
export const HOUSEHOLD_ROOMS = ['kitchen', 'living room', 'bedroom', 'bathroom'] as const;
export type HouseholdRoom = (typeof HOUSEHOLD_ROOMS)[number];

/** What an appliance does to the object held at it. */
export type ApplianceEffect = 'clean' | 'heat' | 'cool';

/** The state a goal may require of its objects. */
export type GoalModifier = 'clean' | 'hot' | 'cold';

export interface ReceptacleKind {
  /** Closed containers start closed and must be opened before taking from or putting into them. */
  readonly closable: boolean;
  /** The preposition the goal and `put` sentences use (`in fridge 1`, `on desk 1`). */
  readonly preposition: 'in' | 'on';
  readonly appliance?: ApplianceEffect;
}

export const RECEPTACLE_KINDS: Readonly<Record<string, ReceptacleKind>> = {
  countertop: { closable: false, preposition: 'on' },
  cabinet: { closable: true, preposition: 'in' },
  drawer: { closable: true, preposition: 'in' },
  fridge: { closable: true, preposition: 'in', appliance: 'cool' },
  microwave: { closable: true, preposition: 'in', appliance: 'heat' },
  safe: { closable: true, preposition: 'in' },
  sinkbasin: { closable: false, preposition: 'in', appliance: 'clean' },
  coffeemachine: { closable: false, preposition: 'in' },
  diningtable: { closable: false, preposition: 'on' },
  garbagecan: { closable: false, preposition: 'in' },
  shelf: { closable: false, preposition: 'on' },
  sofa: { closable: false, preposition: 'on' },
  tvstand: { closable: false, preposition: 'on' },
  coffeetable: { closable: false, preposition: 'on' },
  armchair: { closable: false, preposition: 'on' },
  bed: { closable: false, preposition: 'on' },
  desk: { closable: false, preposition: 'on' },
  dresser: { closable: false, preposition: 'on' },
  sidetable: { closable: false, preposition: 'on' },
  toilet: { closable: false, preposition: 'on' },
  towelholder: { closable: false, preposition: 'on' },
};

/** The appliance kind that performs each effect. */
export const APPLIANCE_FOR_MODIFIER: Readonly<Record<GoalModifier, string>> = {
  clean: 'sinkbasin',
  hot: 'microwave',
  cold: 'fridge',
};

/** How many receptacles of each kind a room gets: [min, max], drawn per task. */
export const ROOM_TEMPLATES: Readonly<
  Record<HouseholdRoom, Readonly<Record<string, readonly [number, number]>>>
> = {
  kitchen: {
    countertop: [1, 2],
    cabinet: [1, 2],
    drawer: [1, 1],
    fridge: [1, 1],
    microwave: [1, 1],
    sinkbasin: [1, 1],
    coffeemachine: [1, 1],
    diningtable: [0, 1],
    garbagecan: [0, 1],
  },
  'living room': {
    sofa: [1, 1],
    tvstand: [1, 1],
    coffeetable: [1, 1],
    shelf: [1, 2],
    drawer: [0, 1],
    safe: [0, 1],
    armchair: [0, 1],
  },
  bedroom: {
    bed: [1, 1],
    desk: [1, 1],
    dresser: [1, 1],
    drawer: [1, 2],
    shelf: [0, 1],
    sidetable: [0, 1],
    garbagecan: [0, 1],
  },
  bathroom: {
    toilet: [1, 1],
    sinkbasin: [1, 1],
    countertop: [1, 1],
    cabinet: [1, 2],
    towelholder: [1, 1],
  },
};

export interface ObjectType {
  readonly cleanable: boolean;
  readonly heatable: boolean;
  readonly coolable: boolean;
  /** Receptacle kinds where this object plausibly starts. */
  readonly homes: readonly string[];
  /** Receptacle kinds a goal may ask to put it in or on. */
  readonly targets: readonly string[];
  /** Rooms where this object plausibly starts. */
  readonly rooms: readonly HouseholdRoom[];
}

const KITCHENWARE_TARGETS = ['countertop', 'diningtable', 'cabinet', 'shelf', 'drawer', 'sidetable', 'desk'];
const FOOD_TARGETS = ['fridge', 'countertop', 'diningtable', 'garbagecan', 'cabinet'];
const PERSONAL_TARGETS = [
  'desk',
  'dresser',
  'sofa',
  'bed',
  'shelf',
  'drawer',
  'safe',
  'sidetable',
  'coffeetable',
];
const BATHROOM_TARGETS = ['countertop', 'cabinet', 'toilet', 'towelholder', 'shelf', 'drawer'];

function kitchenware(heatable: boolean, homes: string[], extraTargets: string[] = []): ObjectType {
  const targets = [...KITCHENWARE_TARGETS, ...extraTargets];
  return { cleanable: true, heatable, coolable: true, homes, targets, rooms: ['kitchen'] };
}
function food(cleanable: boolean, heatable: boolean, homes: string[]): ObjectType {
  return { cleanable, heatable, coolable: true, homes, targets: FOOD_TARGETS, rooms: ['kitchen'] };
}
function personal(homes: string[]): ObjectType {
  const rooms: HouseholdRoom[] = ['bedroom', 'living room'];
  return { cleanable: false, heatable: false, coolable: false, homes, targets: PERSONAL_TARGETS, rooms };
}
function toiletry(cleanable: boolean, homes: string[]): ObjectType {
  return {
    cleanable,
    heatable: false,
    coolable: false,
    homes,
    targets: BATHROOM_TARGETS,
    rooms: ['bathroom'],
  };
}

/**
 * Object types, one word each (ALFWorld style) with a plural made by `pluralizeType`. Types whose
 * plural would be ambiguous to singularise are left out on purpose.
 */
export const OBJECT_TYPES: Readonly<Record<string, ObjectType>> = {
  mug: kitchenware(
    true,
    ['countertop', 'cabinet', 'coffeemachine', 'sinkbasin', 'diningtable'],
    ['coffeemachine'],
  ),
  cup: kitchenware(true, ['countertop', 'cabinet', 'diningtable', 'sinkbasin'], ['coffeemachine']),
  bowl: kitchenware(false, ['countertop', 'cabinet', 'diningtable', 'shelf']),
  plate: kitchenware(true, ['countertop', 'cabinet', 'diningtable', 'sinkbasin']),
  pan: kitchenware(false, ['countertop', 'cabinet', 'sinkbasin']),
  apple: food(true, true, ['countertop', 'fridge', 'diningtable']),
  tomato: food(true, true, ['countertop', 'fridge', 'diningtable']),
  potato: food(true, true, ['countertop', 'fridge', 'cabinet']),
  egg: food(false, true, ['fridge', 'countertop', 'diningtable']),
  bread: food(false, true, ['countertop', 'diningtable', 'cabinet']),
  lettuce: food(true, false, ['fridge', 'countertop', 'diningtable']),
  cellphone: personal(['desk', 'dresser', 'sidetable', 'sofa', 'coffeetable', 'bed', 'armchair']),
  keychain: personal(['desk', 'dresser', 'drawer', 'coffeetable', 'sidetable', 'safe']),
  creditcard: personal(['desk', 'dresser', 'drawer', 'coffeetable', 'safe']),
  watch: personal(['dresser', 'desk', 'sidetable', 'drawer', 'safe', 'shelf']),
  pen: personal(['desk', 'drawer', 'sidetable', 'shelf', 'dresser']),
  pencil: personal(['desk', 'drawer', 'sidetable', 'shelf']),
  book: personal(['desk', 'shelf', 'bed', 'sidetable', 'coffeetable', 'sofa']),
  remotecontrol: personal(['sofa', 'coffeetable', 'tvstand', 'armchair']),
  pillow: personal(['bed', 'sofa', 'armchair']),
  newspaper: personal(['sofa', 'coffeetable', 'armchair', 'sidetable']),
  statue: personal(['shelf', 'coffeetable', 'tvstand', 'dresser']),
  soapbar: toiletry(true, ['countertop', 'cabinet', 'toilet', 'sinkbasin']),
  cloth: toiletry(true, ['countertop', 'cabinet', 'towelholder', 'sinkbasin']),
  towel: toiletry(false, ['towelholder', 'cabinet', 'countertop']),
  spraybottle: toiletry(false, ['cabinet', 'countertop', 'toilet']),
  toiletpaper: toiletry(false, ['toilet', 'cabinet', 'countertop']),
  candle: toiletry(false, ['countertop', 'cabinet', 'shelf']),
};

/** Whether an object of `type` can acquire `modifier` at its appliance. */
export function canAcquire(type: string, modifier: GoalModifier): boolean {
  const info = OBJECT_TYPES[type];
  if (!info) return false;
  if (modifier === 'clean') return info.cleanable;
  if (modifier === 'hot') return info.heatable;
  return info.coolable;
}

/** English plural of a type name (`apple` → `apples`, `tomato` → `tomatoes`). */
export function pluralizeType(type: string): string {
  return /(o|x|s|ch|sh)$/.test(type) ? `${type}es` : `${type}s`;
}

/** `a` or `an`, by the first letter. */
export function articleFor(word: string): 'a' | 'an' {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

/** The kind of a numbered name: `cabinet 2` → `cabinet`. */
export function kindOfName(name: string): string {
  const space = name.lastIndexOf(' ');
  return space === -1 ? name : name.slice(0, space);
}
