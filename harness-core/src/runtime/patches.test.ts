import { describe, expect, it } from 'vitest';
import { ProcessorContractError } from '../errors.ts';
import type { ChatMessage } from '../providers/model.ts';
import { applyRequestPatch, buildRequestMessages, modelRequestMessages } from './patches.ts';

const history: readonly ChatMessage[] = Object.freeze([
  Object.freeze({ role: 'system', content: 'sys' }),
  Object.freeze({ role: 'user', content: 'task' }),
] satisfies ChatMessage[]);

const requestOn = (messages: readonly ChatMessage[]) => ({
  messages,
  appended: [] as string[],
  route: 'primary' as 'primary' | 'fallback',
});

describe('request patches', () => {
  it('hand processors the frozen history itself until a patch rewrites a message', () => {
    const request = requestOn(history);
    expect(buildRequestMessages(request)).toBe(history);
    applyRequestPatch({ type: 'request', route: 'fallback' }, 'p', request, history.length);
    expect(buildRequestMessages(request)).toBe(history);
  });

  it('rewrite the last user message in a frozen copy and leave the history as it was', () => {
    const request = requestOn(history);
    applyRequestPatch({ type: 'request', lastUserContent: 'task, restated' }, 'p', request, history.length);
    expect(history[1]?.content).toBe('task');
    expect(request.messages).not.toBe(history);
    expect(request.messages.map((m) => m.content)).toEqual(['sys', 'task, restated']);
    expect(Object.isFrozen(request.messages)).toBe(true);
    expect(Object.isFrozen(request.messages[1])).toBe(true);
    expect(request.messages[0]).toBe(history[0]);
  });

  it('reject lastUserContent when the last message is not a user message', () => {
    const request = requestOn(Object.freeze([...history, { role: 'assistant', content: 'hi' }]));
    expect(() =>
      applyRequestPatch({ type: 'request', lastUserContent: 'x' }, 'p', request, request.messages.length),
    ).toThrow(ProcessorContractError);
  });

  it('give the model an array of its own with the appended user text merged into one message', () => {
    const request = requestOn(history);
    const plain = modelRequestMessages(request);
    expect(plain).toEqual([...history]);
    expect(plain).not.toBe(history);
    expect(Object.isFrozen(plain)).toBe(false);
    request.appended.push('first', 'second');
    expect(modelRequestMessages(request)).toEqual([...history, { role: 'user', content: 'first\n\nsecond' }]);
    expect(buildRequestMessages(request)).toEqual(modelRequestMessages(request));
  });
});
