import { describe, expect, it } from 'vitest';
import type { EpisodeView, HookContext } from '../harness/hooks.ts';
import { createSeededRandom, hashString } from '../random.ts';
import { HookRunner } from './hook-runner.ts';

type Recorded = { name: string; attributes: Record<string, string | number | boolean> };

/** Runs one turnEnd hook with `handler` and returns the events it recorded. */
function runTurnEnd(handler: (context: HookContext) => void, seed = 1): Recorded[] {
  const events: Recorded[] = [];
  const turnEnd = (context: HookContext): undefined => {
    handler(context);
    return undefined;
  };
  const runner = new HookRunner([{ id: 'proc', hooks: { turnEnd } }], {
    strict: true,
    seed,
    signal: new AbortController().signal,
    events: {
      event(name, attributes) {
        events.push({ name, attributes });
      },
    },
  });
  runner.run(
    'turnEnd',
    () => ({}) as EpisodeView,
    (episode, emit, random, sleep) => ({ record: { text: '', toolCalls: [] }, episode, emit, random, sleep }),
    () => 'transform',
  );
  return events;
}

describe('HookRunner emit', () => {
  it('records a copy of the attributes with processor.id last, which a processor cannot override', () => {
    const attributes = { b: 1, 'processor.id': 'someone-else', a: 'x' };
    const [event] = runTurnEnd(({ emit }) => {
      emit('thing-happened', attributes);
    });
    expect(event?.attributes).toEqual({ b: 1, 'processor.id': 'proc', a: 'x' });
    expect(Object.keys(event?.attributes ?? {})).toEqual(['b', 'processor.id', 'a']);
    expect(event?.attributes).not.toBe(attributes);
    expect(attributes['processor.id']).toBe('someone-else');
  });

  it('keeps an own __proto__ attribute as an attribute, and takes no attributes or null', () => {
    const attributes = JSON.parse('{"__proto__": "p", "n": 2}') as Record<string, string | number>;
    const events = runTurnEnd(({ emit }) => {
      emit('one', attributes);
      emit('two');
      emit('three', null as never);
    });
    expect(Object.getPrototypeOf(events[0]?.attributes)).toBe(Object.prototype);
    expect(Object.entries(events[0]?.attributes ?? {})).toEqual([
      ['__proto__', 'p'],
      ['n', 2],
      ['processor.id', 'proc'],
    ]);
    expect(events[1]?.attributes).toEqual({ 'processor.id': 'proc' });
    expect(events[2]?.attributes).toEqual({ 'processor.id': 'proc' });
  });
});

describe('HookRunner random', () => {
  it('draws the sequence seeded by the episode seed and the processor id', () => {
    const drawn: number[] = [];
    runTurnEnd(({ random }) => {
      for (let i = 0; i < 5; i++) drawn.push(random());
    }, 42);
    const expected = createSeededRandom(hashString('42:proc'));
    expect(drawn).toEqual(Array.from({ length: 5 }, () => expected()));
  });
});
