import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import type { ChatMessage } from '../providers/model.ts';
import type { ModelCallRecord, Trajectory } from '../trace/trajectory.ts';
import { expandContexts, expandPromptIds } from './context-deltas.ts';
import { groupRecordSchema } from './group-record-schema.ts';
import { candidateFromTrajectory, TOKEN_ATTRIBUTES } from './trajectory-mapping.ts';

const system: ChatMessage = { role: 'system', content: 'You are an agent.' };
const user: ChatMessage = { role: 'user', content: 'Open the fridge.' };
const assistantCall: ChatMessage = {
  role: 'assistant',
  content: '',
  toolCalls: [{ id: 'call_1', name: 'open', arguments: '{"target":"fridge"}' }],
};
const toolResult: ChatMessage = {
  role: 'tool',
  toolCallId: 'call_1',
  name: 'open',
  content: 'The fridge is open.',
};

function call(
  inputMessages: ChatMessage[],
  output: ModelCallRecord['output'],
  tokens?: { prompt: number[]; completion: number[]; logprobs?: number[] },
  model = 'qwen-test',
): ModelCallRecord {
  return {
    provider: 'openai',
    model,
    inputMessages,
    tools: [{ name: 'open', description: 'Opens a thing.', parameters: { type: 'object' } }],
    output,
    usage: { inputTokens: 10, outputTokens: 2 },
    startTimeUnixNano: '1',
    endTimeUnixNano: '2',
    extraAttributes: {
      'gen_ai.request.temperature': 0.7,
      ...(tokens
        ? {
            [TOKEN_ATTRIBUTES.promptIds]: tokens.prompt,
            [TOKEN_ATTRIBUTES.completionIds]: tokens.completion,
            [TOKEN_ATTRIBUTES.completionLogprobs]: tokens.logprobs ?? tokens.completion.map(() => -0.5),
            [TOKEN_ATTRIBUTES.logprobsMode]: 'processed',
          }
        : {}),
    },
  };
}

function trajectory(calls: ModelCallRecord[], overrides: Partial<Trajectory> = {}): Trajectory {
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    agentName: 'agent',
    provider: 'openai',
    model: 'qwen-test',
    harness: { name: 'main', contentId: 'sha256:abc' },
    taskId: 'task-1',
    suite: 'household',
    outcome: 'success',
    success: true,
    reward: 1,
    usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
    turns: calls.map((modelCall, index) => ({ index, modelCall, toolCalls: [] })),
    events: [],
    startTimeUnixNano: '1',
    endTimeUnixNano: '2',
    extraAttributes: {},
    ...overrides,
  };
}

const opened = { text: '', toolCalls: assistantCall.toolCalls ?? [], finishReason: 'tool_call' as const };
const done = { text: 'Done.', toolCalls: [], finishReason: 'stop' as const };
const requests: ChatMessage[][] = [
  [system, user],
  [system, user, assistantCall, toolResult],
  // A compacting harness rewrites the context: no prefix holds, so no `extends`.
  [system, { role: 'user', content: 'Summary: the fridge is open. Finish.' }],
  [
    system,
    { role: 'user', content: 'Summary: the fridge is open. Finish.' },
    { role: 'assistant', content: 'Done.' },
    user,
  ],
];
const prompts = [
  [1, 2, 3],
  [1, 2, 3, 40, 41, 7, 8],
  [1, 9],
];

describe('context and token deltas (spec §9.9)', () => {
  const candidate = candidateFromTrajectory(
    trajectory([
      call(requests[0] as ChatMessage[], opened, { prompt: prompts[0] as number[], completion: [40, 41] }),
      call(requests[1] as ChatMessage[], done, { prompt: prompts[1] as number[], completion: [50] }),
      call(requests[2] as ChatMessage[], done, { prompt: prompts[2] as number[], completion: [51] }),
      call(requests[3] as ChatMessage[], done, undefined, 'judge-model'),
    ]),
    'traces/test.otlp.json',
  );
  const record = {
    ...candidate,
    trajectory_id: candidate.trajectoryId,
    status: 'completed' as const,
    reward: 1,
    advantage: 0,
  };

  it('emits extends only where the recorded prefix really holds', () => {
    expect(candidate.calls.map((c) => c.context.extends)).toEqual([null, 'c0', null, 'c2']);
    expect(candidate.calls.map((c) => (c.tokens ? c.tokens.extends : 'none'))).toEqual([
      null,
      'c0',
      null,
      'none',
    ]);
    expect(candidate.calls[1]?.tokens?.prompt_ids).toEqual([7, 8]);
    expect(candidate.calls.map((c) => c.trainable)).toEqual([true, true, true, false]);
    expect(candidate.calls[0]?.sampling.temperature).toBe(0.7);
  });

  it('expands back to exactly the recorded requests and prompt ids', () => {
    const full = expandContexts({
      ...record,
      harness: candidate.harness,
      tools: candidate.tools,
      calls: candidate.calls,
    });
    const fullIds = expandPromptIds({
      ...record,
      harness: candidate.harness,
      tools: candidate.tools,
      calls: candidate.calls,
    });
    expect(full.get('c1')).toEqual([
      { role: 'system', content: 'You are an agent.' },
      { role: 'user', content: 'Open the fridge.' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'open', arguments: '{"target":"fridge"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', name: 'open', content: 'The fridge is open.' },
    ]);
    expect(full.get('c3')?.map((m) => m.content)).toEqual(requests[3]?.map((m) => m.content));
    prompts.forEach((ids, index) => {
      expect(fullIds.get(`c${index}`)).toEqual(ids);
    });
  });

  it('maps outcomes to statuses (wall-clock → timeout, aborted → infra_error)', () => {
    const statusOf = (overrides: Partial<Trajectory>) =>
      candidateFromTrajectory(trajectory([], overrides), 'traces/x.json').status;
    expect(statusOf({ outcome: 'failure' })).toBe('completed');
    expect(statusOf({ outcome: 'error', error: { type: 'MODEL_BEHAVIOR', message: 'bad' } })).toBe(
      'agent_error',
    );
    expect(statusOf({ outcome: 'aborted' })).toBe('infra_error');
    expect(statusOf({ outcome: 'budget-exhausted' })).toBe('budget_exhausted');
    expect(
      statusOf({
        outcome: 'budget-exhausted',
        events: [{ name: 'budget-exhausted', timeUnixNano: '1', attributes: { budget: 'wall-clock' } }],
      }),
    ).toBe('timeout');
  });

  it('rejects recorded log-probs whose length differs from the completion ids, naming the call', () => {
    const bad = trajectory([
      call([system, user], done, { prompt: [1], completion: [2, 3], logprobs: [-0.1] }),
    ]);
    const error = (() => {
      try {
        candidateFromTrajectory(bad, 'traces/bad.json');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).source).toMatch(/traces\/bad\.json.*call c0/);
    expect((error as InputError).issues[0]?.path).toBe(TOKEN_ATTRIBUTES.completionLogprobs);
  });

  it('rejects a trajectory without harness identity', () => {
    expect(() => candidateFromTrajectory(trajectory([], { harness: undefined }), 'traces/y.json')).toThrow(
      /names no harness version/,
    );
  });

  it('produces records the group schema accepts', () => {
    const group = {
      schema: 'harnessx.xgrpo.group/1',
      group_id: `g:${'0'.repeat(64)}`,
      task_id: 'task-1',
      policy: {
        policy_id: `sha256:${'1'.repeat(64)}`,
        base_model: 'openai:qwen-test',
        adapter_uri: null,
        chat_template_sha256: null,
      },
      reward_spec: { name: 'task_success', version: '1', range: [0, 1] },
      advantage: { scale: 'group', baseline: 'mean', eps: 0.0001, ddof: 0, n: 2, mean: 0.5, std: 0.5 },
      trajectories: [0, 1].map((i) => ({
        trajectory_id: `t:${i}`,
        harness: candidate.harness,
        status: 'completed',
        reward: i,
        advantage: i === 0 ? -1 : 1,
        tools: candidate.tools,
        calls: candidate.calls,
      })),
    };
    expect(groupRecordSchema.safeParse(group).success).toBe(true);
  });
});
