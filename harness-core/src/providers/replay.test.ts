import { describe, expect, it } from 'vitest';
import { AbortedError, ModelBehaviorError, SystemError, TransientError } from '../errors.ts';
import type { ModelCallRecord, Trajectory } from '../trace/trajectory.ts';
import type { ChatMessage } from './model.ts';
import { createReplayModel, firstMessageDifference } from './replay.ts';

function modelCall(
  inputMessages: ChatMessage[],
  output: ModelCallRecord['output'],
  extra: Partial<ModelCallRecord> = {},
): ModelCallRecord {
  return {
    provider: 'openai',
    model: 'gpt-4o-mini',
    inputMessages,
    output,
    usage: { inputTokens: 10, outputTokens: 5 },
    startTimeUnixNano: '1700000000000000000',
    endTimeUnixNano: '1700000001000000000',
    ...extra,
  };
}

function trajectory(traceId: string, calls: ModelCallRecord[]): Trajectory {
  return {
    traceId,
    agentName: 'worker',
    provider: 'openai',
    model: 'gpt-4o-mini',
    outcome: 'success',
    success: true,
    reward: 1,
    usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
    turns: calls.map((call, index) => ({ index, modelCall: call, toolCalls: [] })),
    events: [],
    startTimeUnixNano: '1700000000000000000',
    endTimeUnixNano: '1700000009000000000',
    extraAttributes: {},
  };
}

const system: ChatMessage = { role: 'system', content: 'You are a household agent.' };
const task: ChatMessage = { role: 'user', content: 'Put the mug in the sink.' };
const firstAnswer = { id: 'c1', name: 'look', arguments: '{}' };
const turn0 = [system, task];
const turn1: ChatMessage[] = [
  system,
  task,
  { role: 'assistant', content: '', toolCalls: [firstAnswer] },
  { role: 'tool', toolCallId: 'c1', name: 'look', content: 'You see a mug.' },
];

const recording = trajectory('a'.repeat(32), [
  modelCall(turn0, { text: '', toolCalls: [firstAnswer], finishReason: 'tool_call' }, { costUsd: 0.001 }),
  modelCall(
    turn1,
    { text: 'Done.', toolCalls: [], finishReason: 'stop' },
    { responseModel: 'gpt-4o-mini-2024' },
  ),
]);

describe('createReplayModel', () => {
  it('answers each call with the next recorded output and takes its ids from the recording', async () => {
    const model = createReplayModel(recording);
    expect(model.provider).toBe('openai');
    expect(model.modelId).toBe('gpt-4o-mini');
    const first = await model.doGenerate({ messages: turn0, tools: [] });
    expect(first).toEqual({
      text: '',
      toolCalls: [firstAnswer],
      finishReason: 'tool_call',
      usage: { inputTokens: 10, outputTokens: 5 },
      costUsd: 0.001,
    });
    const second = await model.doGenerate({ messages: [task], tools: [] });
    expect(second.text).toBe('Done.');
    expect(second.responseModel).toBe('gpt-4o-mini-2024');
    expect(model.callCount).toBe(2);
    expect(model.remainingCalls).toBe(0);
  });

  it('continues across episodes in order and raises ModelBehaviorError when the recording runs out', async () => {
    const other = trajectory('b'.repeat(32), [
      modelCall([task], { text: 'third', toolCalls: [], finishReason: 'stop' }),
    ]);
    const model = createReplayModel([recording, other]);
    const texts: string[] = [];
    for (let i = 0; i < 3; i++) texts.push((await model.doGenerate({ messages: [task], tools: [] })).text);
    expect(texts).toEqual(['', 'Done.', 'third']);
    const error = await model.doGenerate({ messages: [task], tools: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelBehaviorError);
    expect((error as ModelBehaviorError).code).toBe('REPLAY_EXHAUSTED');
    expect((error as Error).message).toContain('call #3');
  });

  it('in strict mode accepts identical requests and names the call and first differing message otherwise', async () => {
    const model = createReplayModel(recording, { strict: true });
    await model.doGenerate({ messages: turn0, tools: [] });
    const changed: ChatMessage[] = [
      ...turn1.slice(0, 3),
      { ...turn1[3]!, content: 'You see a cup.' } as ChatMessage,
    ];
    const error = await model.doGenerate({ messages: changed, tools: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelBehaviorError);
    expect((error as ModelBehaviorError).code).toBe('REPLAY_DIVERGED');
    expect((error as Error).message).toContain(`model call #1 (trace ${'a'.repeat(32)}, turn 1)`);
    expect((error as Error).message).toContain('message 3 differs');
    expect((error as Error).message).toContain('You see a cup.');
    // The diverged call is not consumed: the same call can still be answered correctly.
    expect((await model.doGenerate({ messages: turn1, tools: [] })).text).toBe('Done.');
  });

  it('in strict mode reports extra and missing messages', () => {
    expect(firstMessageDifference(turn0, [...turn0, task])).toMatch(/message 2 was not in the recording/);
    expect(firstMessageDifference(turn1, turn0)).toMatch(/message 2 is missing/);
    expect(firstMessageDifference(turn1, structuredClone(turn1))).toBeUndefined();
  });

  it('ignores what traces do not keep (tool message name, isError) when comparing', () => {
    const withoutName = turn1.map((m) => (m.role === 'tool' ? { ...m, name: '', isError: true } : m));
    expect(firstMessageDifference(turn1, withoutName)).toBeUndefined();
  });

  it('re-throws an equivalent error for a recorded failed call', async () => {
    const failing = trajectory('c'.repeat(32), [
      modelCall([task], null, { error: { type: 'MODEL_RATE_LIMITED', message: 'slow down' } }),
      modelCall([task], null, { error: { type: 'MODEL_AUTH', message: 'bad key' } }),
      modelCall([task], null, { error: { type: 'openai.APIError', message: 'weird' } }),
      modelCall([task], null),
    ]);
    const model = createReplayModel(failing);
    const errors: unknown[] = [];
    for (let i = 0; i < 4; i++)
      errors.push(await model.doGenerate({ messages: [task], tools: [] }).catch((e) => e));
    expect(errors[0]).toBeInstanceOf(TransientError);
    expect((errors[0] as TransientError).code).toBe('MODEL_RATE_LIMITED');
    expect((errors[0] as Error).message).toContain('slow down');
    expect(errors[1]).toBeInstanceOf(SystemError);
    expect((errors[1] as SystemError).code).toBe('MODEL_AUTH');
    expect(errors[2]).toBeInstanceOf(ModelBehaviorError);
    expect((errors[2] as Error).message).toContain('openai.APIError');
    expect((errors[3] as ModelBehaviorError).code).toBe('REPLAY_RECORD_EMPTY');
  });

  it('refuses an aborted request without consuming a call', async () => {
    const model = createReplayModel(recording);
    await expect(
      model.doGenerate({ messages: turn0, tools: [], signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(AbortedError);
    expect(model.callCount).toBe(0);
  });

  it('returns copies, so a caller mutating a result cannot change the recording', async () => {
    const model = createReplayModel(recording);
    const result = await model.doGenerate({ messages: turn0, tools: [] });
    result.toolCalls[0]!.arguments = '{"mutated":true}';
    expect(recording.turns[0]!.modelCall.output!.toolCalls[0]!.arguments).toBe('{}');
  });
});
