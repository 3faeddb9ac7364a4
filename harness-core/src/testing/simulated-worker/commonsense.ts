/**
 * The worker's commonsense about houses, the kind a small language model brings from pretraining:
 * which rooms and receptacles an object usually sits in, and which room a receptacle kind is
 * usually found in. It is deliberately coarse (categories, not per-object tables) and it is its own
 * knowledge: it never reads the suite's placement rules.
 */

type Category = 'kitchenware' | 'food' | 'personal' | 'bathroom' | 'unknown';

const CATEGORY_OF: Readonly<Record<string, Category>> = {};
for (const type of 'mug cup bowl plate pan pot kettle knife fork spoon spatula ladle'.split(' ')) {
  (CATEGORY_OF as Record<string, Category>)[type] = 'kitchenware';
}
for (const type of 'apple tomato potato egg bread lettuce'.split(' ')) {
  (CATEGORY_OF as Record<string, Category>)[type] = 'food';
}
for (const type of 'cellphone keychain creditcard watch pen pencil book remotecontrol pillow newspaper statue vase cd laptop alarmclock'.split(
  ' ',
)) {
  (CATEGORY_OF as Record<string, Category>)[type] = 'personal';
}
for (const type of 'soapbar cloth towel spraybottle toiletpaper candle soapbottle handtowel'.split(' ')) {
  (CATEGORY_OF as Record<string, Category>)[type] = 'bathroom';
}

/** Rank of each room as a place to find an object of a category (lower is likelier; ties allowed). */
const ROOM_RANKS: Readonly<Record<Category, Readonly<Record<string, number>>>> = {
  kitchenware: { kitchen: 0, 'living room': 1, bedroom: 2, bathroom: 3 },
  food: { kitchen: 0, 'living room': 1, bedroom: 2, bathroom: 3 },
  personal: { bedroom: 0, 'living room': 0, kitchen: 1, bathroom: 2 },
  bathroom: { bathroom: 0, kitchen: 1, bedroom: 2, 'living room': 2 },
  unknown: {},
};

/** How likely an object of each category is found on or in a receptacle kind (0 = unlikely). */
const KIND_SCORES: Readonly<Record<Category, Readonly<Record<string, number>>>> = {
  kitchenware: {
    countertop: 3,
    cabinet: 3,
    diningtable: 2,
    sinkbasin: 2,
    coffeemachine: 2,
    shelf: 1,
    drawer: 1,
  },
  food: { countertop: 3, fridge: 3, diningtable: 3, cabinet: 1, microwave: 1 },
  personal: {
    desk: 3,
    dresser: 3,
    sidetable: 3,
    coffeetable: 3,
    sofa: 2,
    bed: 2,
    armchair: 2,
    drawer: 2,
    shelf: 2,
    tvstand: 2,
    safe: 1,
  },
  bathroom: { countertop: 3, cabinet: 3, towelholder: 2, toilet: 2, sinkbasin: 2, shelf: 1, drawer: 1 },
  unknown: {},
};

const ROOM_OF_KIND: Readonly<Record<string, string>> = {
  countertop: 'kitchen',
  cabinet: 'kitchen',
  drawer: 'kitchen',
  fridge: 'kitchen',
  microwave: 'kitchen',
  sinkbasin: 'kitchen',
  coffeemachine: 'kitchen',
  diningtable: 'kitchen',
  garbagecan: 'kitchen',
  stoveburner: 'kitchen',
  sofa: 'living room',
  tvstand: 'living room',
  coffeetable: 'living room',
  armchair: 'living room',
  shelf: 'living room',
  safe: 'living room',
  bed: 'bedroom',
  desk: 'bedroom',
  dresser: 'bedroom',
  sidetable: 'bedroom',
  toilet: 'bathroom',
  towelholder: 'bathroom',
  bathtub: 'bathroom',
};

function categoryOf(type: string): Category {
  return CATEGORY_OF[type] ?? 'unknown';
}

/** How plausible it is to find an object of `type` on or in a receptacle of `kind`. */
export function plausibility(type: string, kind: string): number {
  return KIND_SCORES[categoryOf(type)][kind] ?? 0;
}

/** Rank of `room` as a place to look for `type` (lower is more likely). */
export function roomRankForObject(type: string, room: string): number {
  return ROOM_RANKS[categoryOf(type)][room] ?? 99;
}

/** Rank of `room` as the place where a receptacle of `kind` stands (0 = the usual room). */
export function roomRankForKind(kind: string, room: string): number {
  return ROOM_OF_KIND[kind] === room ? 0 : 1;
}
