import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../providers/model.ts';
import {
  chatMessagesFromGenAi,
  modelOutputFromGenAi,
  normaliseFinishReason,
  normaliseRole,
  toGenAiInputMessages,
  toGenAiOutputMessages,
  toolArgumentsForPart,
  toolDefinitionsFromGenAi,
} from './genai-messages.ts';
import { MessageParseCache } from './message-parse-cache.ts';

describe('writing the parts form', () => {
  it('writes tool-call arguments as an object only when that is lossless', () => {
    expect(toolArgumentsForPart('{"a":1}')).toEqual({ a: 1 });
    expect(toolArgumentsForPart('{"a": 1}')).toBe('{"a": 1}');
    expect(toolArgumentsForPart('{"a":1')).toBe('{"a":1');
    expect(toolArgumentsForPart('"text"')).toBe('"text"');
    expect(toolArgumentsForPart('{"n":12345678901234567890}')).toBe('{"n":12345678901234567890}');
  });

  it('writes a text part only when there is text or nothing else', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: '' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'c', name: 'go', arguments: '{}' }] },
      { role: 'tool', toolCallId: 'c', name: 'go', content: 'done', isError: false },
    ];
    expect(toGenAiInputMessages(messages)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: '' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'c', name: 'go', arguments: {} }] },
      {
        role: 'tool',
        name: 'go',
        parts: [{ type: 'tool_call_response', id: 'c', response: 'done', is_error: false }],
      },
    ]);
    expect(toGenAiOutputMessages({ text: 'hi', toolCalls: [], finishReason: 'length' })).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'hi' }], finish_reason: 'length' },
    ]);
  });
});

describe('reading messages', () => {
  it('reads OpenAI-form content arrays, tool calls and tool results', () => {
    expect(
      chatMessagesFromGenAi([
        { role: 'developer', content: [{ type: 'text', text: 'Be brief.' }] },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'x', function: { name: 'f', arguments: { a: 1 } } }],
        },
        { role: 'tool', tool_call_id: 'x', content: 'ok' },
      ]),
    ).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'x', name: 'f', arguments: '{"a":1}' }] },
      { role: 'tool', toolCallId: 'x', name: 'f', content: 'ok' },
    ]);
  });

  it('splits a message holding several tool results, and keeps text sent with them', () => {
    expect(
      chatMessagesFromGenAi([
        {
          role: 'user',
          parts: [
            { type: 'tool_call_response', id: 'a', response: { ok: true } },
            { type: 'tool_call_response', id: 'b', result: 'legacy' },
            { type: 'text', content: 'and now?' },
          ],
        },
      ]),
    ).toEqual([
      { role: 'tool', toolCallId: 'a', name: '', content: '{"ok":true}' },
      { role: 'tool', toolCallId: 'b', name: '', content: 'legacy' },
      { role: 'user', content: 'and now?' },
    ]);
  });

  it('keeps unknown parts, and wraps parts that are not even objects', () => {
    expect(chatMessagesFromGenAi([{ role: 'user', parts: [{ type: 'uri', uri: 'u' }, 42] }])).toEqual([
      {
        role: 'user',
        content: '',
        extraParts: [
          { type: 'uri', uri: 'u' },
          { type: 'unknown', value: 42 },
        ],
      },
    ]);
  });

  it('maps role and finish-reason aliases', () => {
    expect(['model', 'human', 'function', 'critic'].map(normaliseRole)).toEqual([
      'assistant',
      'user',
      'tool',
      'user',
    ]);
    expect(
      ['end_turn', 'tool_calls', 'max_tokens', 'safety', 'weird', undefined].map(normaliseFinishReason),
    ).toEqual(['stop', 'tool_call', 'length', 'content_filter', 'stop', 'stop']);
  });

  it('reads the first choice of an output, with the fallback finish reason', () => {
    expect(
      modelOutputFromGenAi(
        [{ role: 'assistant', parts: [{ type: 'text', content: 'a' }] }, { role: 'assistant' }],
        'length',
      ),
    ).toEqual({
      text: 'a',
      toolCalls: [],
      finishReason: 'length',
    });
    expect(modelOutputFromGenAi('not a list')).toBeUndefined();
  });

  it('reads tool definitions in the conventions, OpenAI and Anthropic forms', () => {
    expect(
      toolDefinitionsFromGenAi([
        { type: 'function', name: 'a', parameters: { type: 'object' } },
        { type: 'function', function: { name: 'b', description: 'B' } },
        { name: 'c', description: 'C', input_schema: { type: 'object', properties: {} } },
      ]),
    ).toEqual([
      { name: 'a', description: '', parameters: { type: 'object' } },
      { name: 'b', description: 'B', parameters: {} },
      { name: 'c', description: 'C', parameters: { type: 'object', properties: {} } },
    ]);
  });
});

describe('MessageParseCache', () => {
  const conversation = (count: number) =>
    toGenAiInputMessages(
      Array.from(
        { length: count },
        (_, index): ChatMessage =>
          index % 2 === 0
            ? {
                role: 'assistant',
                content: `step ${index}`,
                toolCalls: [{ id: `c${index}`, name: `tool${index}`, arguments: '{}' }],
              }
            : {
                role: 'tool',
                toolCallId: `c${index - 1}`,
                name: `tool${index - 1}`,
                content: `result ${index}`,
              },
      ),
    );

  it('parses a growing conversation to the same messages as a full parse (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 8 }), (lengths) => {
        const cache = new MessageParseCache();
        for (const length of lengths) {
          const json = JSON.stringify(conversation(length));
          expect(cache.inputMessages(json)).toEqual(chatMessagesFromGenAi(JSON.parse(json)));
        }
      }),
    );
  });

  it('carries tool names across an extension, and does not mistake an edit for one', () => {
    const cache = new MessageParseCache();
    const first = [
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'k', name: 'lookup', arguments: {} }] },
    ];
    cache.inputMessages(JSON.stringify(first));
    const extended = [
      ...first,
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'k', response: 'r' }] },
    ];
    expect(cache.inputMessages(JSON.stringify(extended))?.[1]).toEqual({
      role: 'tool',
      toolCallId: 'k',
      name: 'lookup',
      content: 'r',
    });
    const edited = JSON.stringify(extended).replace('lookup', 'search');
    expect(cache.inputMessages(edited)?.[0]).toEqual({
      role: 'assistant',
      content: '',
      toolCalls: [{ id: 'k', name: 'search', arguments: '{}' }],
    });
  });

  it('returns undefined for text that is not a JSON array', () => {
    const cache = new MessageParseCache();
    expect(cache.inputMessages("[{'role': 'user'}]")).toBeUndefined();
    expect(cache.inputMessages('{"role":"user"}')).toBeUndefined();
  });
});
