import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../providers/model.ts';
import { observationsInView } from '../state-tracker-memory.ts';
import { ToolResultsInView } from './tool-results-in-view.ts';

const message: fc.Arbitrary<ChatMessage> = fc.oneof(
  fc.record({
    role: fc.constant('tool' as const),
    toolCallId: fc.constant('c'),
    name: fc.constant('look'),
    content: fc.constantFrom('You see a key.', ' You see a key. ', 'Nothing happens.', 'x'.repeat(90), ''),
  }),
  fc.record({ role: fc.constant('assistant' as const), content: fc.string({ maxLength: 60 }) }),
  fc.record({ role: fc.constant('user' as const), content: fc.string({ maxLength: 30 }) }),
);

/** One step of a history: messages appended, or (rarely) the history rewritten or cut back. */
const step = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      messages: fc.array(message, { maxLength: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rewrite' as const), at: fc.nat(), message }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cut' as const), keep: fc.nat() }) },
);

describe('ToolResultsInView', () => {
  it('always agrees with observationsInView on a history that grows, is rewritten or cut back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 120 }), fc.array(step, { maxLength: 30 }), (budget, steps) => {
        const view = new ToolResultsInView(budget);
        let history: readonly ChatMessage[] = Object.freeze([]);
        for (const next of steps) {
          const messages = [...history];
          if (next.kind === 'append') messages.push(...next.messages.map((m) => Object.freeze({ ...m })));
          else if (next.kind === 'rewrite' && messages.length > 0)
            messages[next.at % messages.length] = Object.freeze({ ...next.message });
          else if (next.kind === 'cut') messages.length = Math.min(messages.length, next.keep);
          history = Object.freeze(messages);
          const expected = observationsInView(history, budget);
          view.update(history);
          for (const text of expected) expect(view.has(text)).toBe(true);
          for (const candidate of ['You see a key.', 'Nothing happens.', 'x'.repeat(90), ''])
            expect(view.has(candidate)).toBe(expected.has(candidate));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('starts over when it is handed a history that is not frozen', () => {
    const view = new ToolResultsInView(100);
    const history: ChatMessage[] = [{ role: 'tool', toolCallId: 'c', name: 'look', content: 'a' }];
    expect(view.update(history).has('a')).toBe(true);
    history[0] = { role: 'tool', toolCallId: 'c', name: 'look', content: 'b' };
    expect(view.update(history).has('a')).toBe(false);
    expect(view.has('b')).toBe(true);
  });
});
