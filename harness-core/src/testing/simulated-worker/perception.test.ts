import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../providers/model.ts';
import { buildBeliefs } from './beliefs.ts';
import { perceiveContext } from './perception.ts';
import { recallFacts, recallProbability } from './recall.ts';
import { createMulberry32 } from './seeded-random.ts';
import { parseSimulatedWorkerOptions } from './simulated-worker-options.ts';

const options = parseSimulatedWorkerOptions({});

function toolTurn(id: string, name: string, args: object, content: string): ChatMessage[] {
  return [
    { role: 'assistant', content: '', toolCalls: [{ id, name, arguments: JSON.stringify(args) }] },
    { role: 'tool', toolCallId: id, name, content },
  ];
}

const KITCHEN = 'You are in the kitchen. Around you: countertop 1, cabinet 1 (closed). Other rooms: bedroom.';
const BEDROOM = 'You enter the bedroom. Around you: desk 1. Other rooms: kitchen.';

describe('perceiveContext', () => {
  it('measures each fact by its tokens from the end of the context', () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'You are an agent.' },
      { role: 'user', content: 'Your task is to: put a mug in cabinet 1.' },
      ...toolTurn('a', 'look', {}, KITCHEN),
    ];
    const perception = perceiveContext(messages);
    expect(perception.world).toHaveLength(1);
    expect(perception.world[0]?.distance).toBe(0);
    expect(perception.goals[0]?.distance).toBeGreaterThan(0);
    expect(perception.goals[0]?.inSystem).toBe(false);
    expect(perception.contextTokens).toBeGreaterThan(20);
  });

  it('lets a verbatim restatement refresh a fact without moving it in time', () => {
    // A memory that lists the old kitchen view after the newer bedroom view must not put the
    // worker back in the kitchen: the tool results are the timeline.
    const messages: ChatMessage[] = [
      ...toolTurn('a', 'look', {}, KITCHEN),
      ...toolTurn('b', 'go_to', { target: 'bedroom' }, BEDROOM),
      { role: 'user', content: `Memory (latest first):\n- ${BEDROOM}\n- ${KITCHEN}` },
    ];
    const perception = perceiveContext(messages);
    expect(perception.world).toHaveLength(2);
    // The kitchen view is old, but its copy closes the memory message: it is recalled as recent.
    expect(perception.world[0]!.distance).toBeLessThan(5);
    expect(buildBeliefs(perception.world).room).toBe('bedroom');
  });

  it('keeps the time of an event whose tool result now shows it shortened (compacted or truncated)', () => {
    const messages: ChatMessage[] = [
      ...toolTurn('a', 'look', {}, `[older result of look compacted: ${KITCHEN.slice(0, 40)}...]`),
      ...toolTurn('b', 'go_to', { target: 'bedroom' }, BEDROOM),
      { role: 'user', content: `Memory (latest first):\n- ${BEDROOM}\n- ${KITCHEN}` },
    ];
    const perception = perceiveContext(messages);
    const kitchen = perception.world.find(
      (fact) => fact.value.kind === 'room-view' && fact.value.room === 'kitchen',
    );
    const bedroom = perception.world.find(
      (fact) => fact.value.kind === 'room-view' && fact.value.room === 'bedroom',
    );
    expect(kitchen!.order).toBeLessThan(bedroom!.order);
    expect(buildBeliefs(perception.world).room).toBe('bedroom');
  });

  it('reads nothing from a cut-off list, rather than a wrong one', () => {
    const messages: ChatMessage[] = [
      ...toolTurn(
        'a',
        'go_to',
        { target: 'countertop 1' },
        'You arrive at countertop 1. On countertop 1 you see an egg 2, a pl...',
      ),
    ];
    const beliefs = buildBeliefs(perceiveContext(messages).world);
    expect(beliefs.at).toBe('countertop 1');
    expect(beliefs.contents.has('countertop 1')).toBe(false);
  });

  it('orders a sentence seen only outside the tool results at its own place', () => {
    const messages: ChatMessage[] = [
      ...toolTurn('a', 'look', {}, KITCHEN),
      { role: 'user', content: `Reminder: ${BEDROOM}` },
    ];
    expect(buildBeliefs(perceiveContext(messages).world).room).toBe('bedroom');
  });

  it('counts a goal in the system prompt as always in view', () => {
    const perception = perceiveContext([
      { role: 'system', content: 'Be brief. Your task: Your task is to: put two apples in fridge 1.' },
      { role: 'user', content: 'Your task is to: put two apples in fridge 1.' },
    ]);
    expect(perception.goals).toHaveLength(1);
    expect(perception.goals[0]?.inSystem).toBe(true);
  });
});

describe('recall', () => {
  it('is certain in the window or the system prompt and halves every half-life beyond it', () => {
    expect(recallProbability(0, false, options)).toBe(1);
    expect(recallProbability(options.recentWindowTokens, false, options)).toBe(1);
    expect(recallProbability(5000, true, options)).toBe(1);
    expect(
      recallProbability(options.recentWindowTokens + options.recallHalfLifeTokens, false, options),
    ).toBeCloseTo(0.5);
    expect(
      recallProbability(options.recentWindowTokens + 2 * options.recallHalfLifeTokens, false, options),
    ).toBeCloseTo(0.25);
  });

  it('draws once per fact, so far facts are recalled about as often as their probability says', () => {
    const far = {
      value: 1,
      text: 'x',
      order: 0,
      distance: options.recentWindowTokens + options.recallHalfLifeTokens,
      inSystem: false,
    };
    const random = createMulberry32(7);
    let recalled = 0;
    for (let i = 0; i < 2000; i++) recalled += recallFacts([far], random, options).length;
    expect(recalled / 2000).toBeGreaterThan(0.45);
    expect(recalled / 2000).toBeLessThan(0.55);
  });
});
