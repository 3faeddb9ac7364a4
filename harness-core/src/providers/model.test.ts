import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ChatMessage,
  estimateMessagesTokens,
  estimateMessageTokens,
  estimateTokens,
  messageText,
} from './model.ts';

const call = fc.record({ id: fc.string(), name: fc.string(), arguments: fc.string() });
const message: fc.Arbitrary<ChatMessage> = fc.oneof(
  fc.record({ role: fc.constantFrom('system' as const, 'user' as const), content: fc.string() }),
  fc.record(
    {
      role: fc.constant('assistant' as const),
      content: fc.string(),
      toolCalls: fc.array(call, { maxLength: 4 }),
    },
    { requiredKeys: ['role', 'content'] },
  ),
  fc.record({
    role: fc.constant('tool' as const),
    toolCallId: fc.string(),
    name: fc.string(),
    content: fc.string(),
  }),
);

describe('estimateMessageTokens', () => {
  it('is the estimate of the message text plus 4, without building the text', () => {
    fc.assert(
      fc.property(message, (m) => {
        expect(estimateMessageTokens(m)).toBe(estimateTokens(messageText(m)) + 4);
      }),
      { numRuns: 2000 },
    );
  });

  it('measures calls that are not strings as the text shows them', () => {
    const odd = { role: 'assistant', content: '', toolCalls: [{ id: 'c', name: 7, arguments: null }] };
    expect(estimateMessageTokens(odd as unknown as ChatMessage)).toBe(
      estimateTokens(messageText(odd as unknown as ChatMessage)) + 4,
    );
  });

  it('sums over a history', () => {
    fc.assert(
      fc.property(fc.array(message, { maxLength: 8 }), (messages) => {
        const expected = messages.reduce((sum, m) => sum + estimateTokens(messageText(m)) + 4, 0);
        expect(estimateMessagesTokens(messages)).toBe(expected);
      }),
    );
  });
});
