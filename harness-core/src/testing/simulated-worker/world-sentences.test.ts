import { describe, expect, it } from 'vitest';
import { createHouseholdSuite, solveHouseholdTask } from '../../environments/household/index.ts';
import { formatPlan, recognizePlans } from './worker-plan.ts';
import { recognizeGoalSentences, recognizeWorldSentences, singularize } from './world-sentences.ts';

describe('recognizeWorldSentences', () => {
  it('reads a room view with open states and the other rooms', () => {
    const [match] = recognizeWorldSentences(
      'You are in the kitchen. Around you: cabinet 1 (closed), countertop 1, fridge 1 (open), sinkbasin 1. Other rooms: bathroom, bedroom, living room.',
    );
    expect(match?.value).toEqual({
      kind: 'room-view',
      room: 'kitchen',
      receptacles: [
        { name: 'cabinet 1', open: false },
        { name: 'countertop 1' },
        { name: 'fridge 1', open: true },
        { name: 'sinkbasin 1' },
      ],
      otherRooms: ['bathroom', 'bedroom', 'living room'],
    });
  });

  it('reads arrivals, contents lists of any length, and closed receptacles', () => {
    const facts = recognizeWorldSentences(
      'You arrive at countertop 1. On countertop 1 you see a mug 1, an apple 2, and a pen 3. You arrive at cabinet 2. The cabinet 2 is closed. In drawer 1 you see nothing.',
    ).map((match) => match.value);
    expect(facts).toEqual([
      { kind: 'at', receptacle: 'countertop 1' },
      { kind: 'contents', receptacle: 'countertop 1', objects: ['mug 1', 'apple 2', 'pen 3'] },
      { kind: 'at', receptacle: 'cabinet 2' },
      { kind: 'open-state', receptacle: 'cabinet 2', open: false },
      { kind: 'contents', receptacle: 'drawer 1', objects: [] },
    ]);
  });

  it('reads actions, examine results and inventory wherever they sit in a text', () => {
    const text =
      '- take with object "mug 1": You pick up the mug 1 from the countertop 1.\n' +
      'Then: You clean the mug 1 using the sinkbasin 1. mug 1: clean, hot. You put the mug 1 in/on the coffeemachine 1. ' +
      'You are carrying nothing. You are carrying: apple 2.';
    expect(recognizeWorldSentences(text).map((match) => match.value)).toEqual([
      { kind: 'pickup', object: 'mug 1', source: 'countertop 1' },
      { kind: 'apply', effect: 'clean', object: 'mug 1', appliance: 'sinkbasin 1' },
      { kind: 'object-state', object: 'mug 1', states: ['clean', 'hot'] },
      { kind: 'put', object: 'mug 1', target: 'coffeemachine 1' },
      { kind: 'carrying', object: null },
      { kind: 'carrying', object: 'apple 2' },
    ]);
  });

  it('understands every sentence the household suite writes along an oracle run', async () => {
    const suite = createHouseholdSuite();
    for (const task of suite.tasks().filter((_, index) => index % 7 === 0)) {
      const episode = suite.reset(task, 5);
      const look = await episode.step({ name: 'look', arguments: {} });
      expect(recognizeWorldSentences(look.content)).toHaveLength(1);
      for (const action of solveHouseholdTask(task).slice(0, -1)) {
        const result = await episode.step({ name: action.name, arguments: action.arguments });
        expect(recognizeWorldSentences(result.content).length, result.content).toBeGreaterThan(0);
      }
      expect(recognizeGoalSentences(task.instruction).map((match) => match.value)).toEqual([
        {
          type: task.goal.type,
          count: task.goal.count,
          modifier: task.goal.modifier,
          target: task.goal.target,
          preposition: expect.stringMatching(/^(in|on)$/),
        },
      ]);
    }
  });
});

describe('goal sentences and plans', () => {
  it('reads plural goals back to their singular type', () => {
    expect(recognizeGoalSentences('Your task is to: put two cold tomatoes in fridge 1.')[0]?.value).toEqual({
      type: 'tomato',
      count: 2,
      modifier: 'cold',
      target: 'fridge 1',
      preposition: 'in',
    });
    expect(singularize('watches')).toBe('watch');
    expect(singularize('apples')).toBe('apple');
  });

  it('finds a goal sentence quoted inside another text', () => {
    const text =
      'Not finished yet. The task was: "Your task is to: put an apple on diningtable 1.". Check it.';
    expect(recognizeGoalSentences(text)[0]?.value).toMatchObject({ type: 'apple', count: 1, modifier: null });
  });

  it('writes a plan it can read back with the same goal', () => {
    const goal = {
      type: 'mug',
      count: 2,
      modifier: 'clean',
      target: 'coffeemachine 1',
      preposition: 'in',
    } as const;
    const plan = formatPlan(goal, 2);
    expect(plan).toBe(
      'Plan: 1) find two mugs 2) clean them at a sinkbasin 3) put them in coffeemachine 1 4) finish. Next: step 2.',
    );
    expect(recognizePlans(`Thinking. ${plan}`)[0]?.value).toEqual(goal);
    const simple = { type: 'apple', count: 1, modifier: null, target: 'desk 1', preposition: 'on' } as const;
    expect(formatPlan(simple, 1)).toBe('Plan: 1) find an apple 2) put it on desk 1 3) finish. Next: step 1.');
    expect(recognizePlans(formatPlan(simple, 1))[0]?.value).toEqual(simple);
  });
});
