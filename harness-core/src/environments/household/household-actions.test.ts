import { describe, expect, it } from 'vitest';
import { applyHouseholdAction } from './household-actions.ts';
import { NOTHING_HAPPENS } from './household-text.ts';
import { createHouseholdWorld, type HouseholdLayout, type HouseholdWorldState } from './household-world.ts';

/** A small hand-made house, so each sentence can be checked exactly. */
const layout: HouseholdLayout = {
  startRoom: 'kitchen',
  rooms: [
    { room: 'kitchen', receptacles: ['countertop 1', 'cabinet 1', 'fridge 1', 'microwave 1', 'sinkbasin 1'] },
    { room: 'living room', receptacles: ['sofa 1', 'drawer 1'] },
    { room: 'bedroom', receptacles: ['desk 1'] },
    { room: 'bathroom', receptacles: ['toilet 1'] },
  ],
  objects: [
    {
      name: 'mug 1',
      type: 'mug',
      receptacle: 'countertop 1',
      clean: false,
      temperature: 'room',
      distractor: false,
    },
    {
      name: 'mug 2',
      type: 'mug',
      receptacle: 'cabinet 1',
      clean: true,
      temperature: 'room',
      distractor: false,
    },
    {
      name: 'cellphone 1',
      type: 'cellphone',
      receptacle: 'sofa 1',
      clean: null,
      temperature: 'room',
      distractor: false,
    },
  ],
};

function freshWorld(): HouseholdWorldState {
  return createHouseholdWorld(layout, 1);
}

function act(world: HouseholdWorldState, name: string, args: Record<string, string> = {}) {
  return applyHouseholdAction(world, name, args);
}

describe('household observations', () => {
  it('describes the room with closed containers marked and the other rooms sorted', () => {
    expect(act(freshWorld(), 'look')).toEqual({
      ok: true,
      text: 'You are in the kitchen. Around you: countertop 1, cabinet 1 (closed), fridge 1 (closed), microwave 1 (closed), sinkbasin 1. Other rooms: bathroom, bedroom, living room.',
    });
  });

  it('lists what is on a surface on arrival, and says nothing when it is empty', () => {
    const world = freshWorld();
    expect(act(world, 'go_to', { target: 'countertop 1' }).text).toBe(
      'You arrive at countertop 1. On countertop 1 you see a mug 1.',
    );
    expect(act(world, 'go_to', { target: 'sinkbasin 1' }).text).toBe(
      'You arrive at sinkbasin 1. In sinkbasin 1 you see nothing.',
    );
    expect(act(world, 'look').text).toMatch(/ You are at sinkbasin 1\.$/);
  });

  it('hides what is inside a closed container until it is opened, then shows it on arrival', () => {
    const world = freshWorld();
    expect(act(world, 'go_to', { target: 'cabinet 1' }).text).toBe(
      'You arrive at cabinet 1. The cabinet 1 is closed.',
    );
    expect(act(world, 'open', { target: 'cabinet 1' }).text).toBe(
      'You open the cabinet 1. In cabinet 1 you see a mug 2.',
    );
    act(world, 'go_to', { target: 'countertop 1' });
    expect(act(world, 'go_to', { target: 'cabinet 1' }).text).toBe(
      'You arrive at cabinet 1. The cabinet 1 is open. In cabinet 1 you see a mug 2.',
    );
    expect(act(world, 'close', { target: 'cabinet 1' }).text).toBe('You close the cabinet 1.');
  });

  it('lists several objects with articles and a final "and"', () => {
    const world = freshWorld();
    act(world, 'go_to', { target: 'cabinet 1' });
    act(world, 'open', { target: 'cabinet 1' });
    act(world, 'take', { object: 'mug 2', source: 'cabinet 1' });
    act(world, 'go_to', { target: 'countertop 1' });
    act(world, 'put', { object: 'mug 2', target: 'countertop 1' });
    expect(act(world, 'examine', { target: 'countertop 1' }).text).toMatch(
      /^On countertop 1 you see a mug \d, and a mug \d\.$/,
    );
  });

  it('enters another room and describes it', () => {
    const world = freshWorld();
    expect(act(world, 'go_to', { target: 'living room' }).text).toBe(
      'You enter the living room. Around you: sofa 1, drawer 1 (closed). Other rooms: bathroom, bedroom, kitchen.',
    );
  });

  it('picks up, cleans, heats, cools, puts and reports inventory and state', () => {
    const world = freshWorld();
    act(world, 'go_to', { target: 'countertop 1' });
    expect(act(world, 'take', { object: 'mug 1', source: 'countertop 1' }).text).toBe(
      'You pick up the mug 1 from the countertop 1.',
    );
    expect(act(world, 'inventory').text).toBe('You are carrying: mug 1.');
    expect(act(world, 'examine', { target: 'mug 1' }).text).toBe('mug 1: dirty.');
    act(world, 'go_to', { target: 'sinkbasin 1' });
    expect(act(world, 'clean', { object: 'mug 1', target: 'sinkbasin 1' }).text).toBe(
      'You clean the mug 1 using the sinkbasin 1.',
    );
    act(world, 'go_to', { target: 'microwave 1' });
    expect(act(world, 'heat', { object: 'mug 1', target: 'microwave 1' }).text).toBe(
      'You heat the mug 1 using the microwave 1.',
    );
    expect(act(world, 'examine', { target: 'mug 1' }).text).toBe('mug 1: clean, hot.');
    act(world, 'go_to', { target: 'fridge 1' });
    expect(act(world, 'cool', { object: 'mug 1', target: 'fridge 1' }).text).toBe(
      'You cool the mug 1 using the fridge 1.',
    );
    expect(act(world, 'examine', { target: 'mug 1' }).text).toBe('mug 1: clean, cold.');
    act(world, 'open', { target: 'fridge 1' });
    expect(act(world, 'put', { object: 'mug 1', target: 'fridge 1' }).text).toBe(
      'You put the mug 1 in the fridge 1.',
    );
    expect(act(world, 'inventory').text).toBe('You are carrying nothing.');
  });

  it('says "nothing special" about an object with no state', () => {
    const world = freshWorld();
    act(world, 'go_to', { target: 'living room' });
    act(world, 'go_to', { target: 'sofa 1' });
    expect(act(world, 'examine', { target: 'cellphone 1' }).text).toBe('cellphone 1: nothing special.');
  });
});

describe('impossible actions answer "Nothing happens."', () => {
  const cases: [string, (world: HouseholdWorldState) => void, string, Record<string, string>][] = [
    ['a receptacle in another room', () => {}, 'go_to', { target: 'sofa 1' }],
    ['the room you are in', () => {}, 'go_to', { target: 'kitchen' }],
    ['an unknown place', () => {}, 'go_to', { target: 'garage' }],
    ['opening from afar', () => {}, 'open', { target: 'cabinet 1' }],
    [
      'opening twice',
      (w) => {
        act(w, 'go_to', { target: 'cabinet 1' });
        act(w, 'open', { target: 'cabinet 1' });
      },
      'open',
      { target: 'cabinet 1' },
    ],
    [
      'opening a surface',
      (w) => act(w, 'go_to', { target: 'countertop 1' }),
      'open',
      { target: 'countertop 1' },
    ],
    ['taking from afar', () => {}, 'take', { object: 'mug 1', source: 'countertop 1' }],
    [
      'taking from a closed container',
      (w) => act(w, 'go_to', { target: 'cabinet 1' }),
      'take',
      { object: 'mug 2', source: 'cabinet 1' },
    ],
    [
      'taking an object that is not there',
      (w) => act(w, 'go_to', { target: 'countertop 1' }),
      'take',
      { object: 'mug 2', source: 'countertop 1' },
    ],
    [
      'taking with full hands',
      (w) => {
        act(w, 'go_to', { target: 'countertop 1' });
        act(w, 'take', { object: 'mug 1', source: 'countertop 1' });
        act(w, 'go_to', { target: 'cabinet 1' });
        act(w, 'open', { target: 'cabinet 1' });
      },
      'take',
      { object: 'mug 2', source: 'cabinet 1' },
    ],
    [
      'putting what you do not hold',
      (w) => act(w, 'go_to', { target: 'countertop 1' }),
      'put',
      { object: 'mug 1', target: 'countertop 1' },
    ],
    [
      'putting into a closed container',
      (w) => {
        act(w, 'go_to', { target: 'countertop 1' });
        act(w, 'take', { object: 'mug 1', source: 'countertop 1' });
        act(w, 'go_to', { target: 'fridge 1' });
      },
      'put',
      { object: 'mug 1', target: 'fridge 1' },
    ],
    [
      'cleaning with the wrong appliance',
      (w) => {
        act(w, 'go_to', { target: 'countertop 1' });
        act(w, 'take', { object: 'mug 1', source: 'countertop 1' });
        act(w, 'go_to', { target: 'microwave 1' });
      },
      'clean',
      { object: 'mug 1', target: 'microwave 1' },
    ],
    [
      'heating away from the microwave',
      (w) => {
        act(w, 'go_to', { target: 'countertop 1' });
        act(w, 'take', { object: 'mug 1', source: 'countertop 1' });
      },
      'heat',
      { object: 'mug 1', target: 'microwave 1' },
    ],
    [
      'heating something that cannot be heated',
      (w) => {
        act(w, 'go_to', { target: 'living room' });
        act(w, 'go_to', { target: 'sofa 1' });
        act(w, 'take', { object: 'cellphone 1', source: 'sofa 1' });
        act(w, 'go_to', { target: 'kitchen' });
        act(w, 'go_to', { target: 'microwave 1' });
      },
      'heat',
      { object: 'cellphone 1', target: 'microwave 1' },
    ],
    ['examining an object you cannot see', () => {}, 'examine', { target: 'mug 2' }],
    ['examining a receptacle from afar', () => {}, 'examine', { target: 'fridge 1' }],
  ];

  it.each(cases)('%s', (_label, setup, name, args) => {
    const world = freshWorld();
    setup(world);
    const before = JSON.stringify([world.room, world.at, world.held, [...world.open], [...world.contents]]);
    expect(act(world, name, args)).toEqual({ ok: false, text: NOTHING_HAPPENS });
    expect(JSON.stringify([world.room, world.at, world.held, [...world.open], [...world.contents]])).toBe(
      before,
    );
  });
});
