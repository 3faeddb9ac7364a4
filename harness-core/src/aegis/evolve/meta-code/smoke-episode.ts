/**
 * The synthetic episode a code processor is smoke-tested on: a fixed household-like task with a
 * failed call, a malformed call, a successful call and a finish, so that every hook runs more than
 * once on realistic data, failures included. It is data only, deterministic, and has no task of
 * any real suite in it (nothing to leak).
 */
import type { EpisodeView, HookName } from '../../../harness/hooks.ts';
import type { ChatMessage, ToolCall, ToolDefinition } from '../../../providers/model.ts';

/** One hook call of the script: the hook and its data (without the context functions). */
export interface SmokeStep {
  readonly hook: HookName;
  readonly data: Record<string, unknown>;
  readonly episode: EpisodeView;
}

const SYSTEM_PROMPT = 'You are a household agent. Use the tools to complete the task.';
const TASK = { id: 'smoke-task', suite: 'smoke', instruction: 'Put a clean mug on the shelf.' };

export const SMOKE_TOOLS: readonly ToolDefinition[] = [
  { name: 'look', description: 'Describe the room.', parameters: { type: 'object', properties: {} } },
  {
    name: 'take',
    description: 'Take an object.',
    parameters: {
      type: 'object',
      properties: { object: { type: 'string' } },
      required: ['object'],
      additionalProperties: false,
    },
  },
  {
    name: 'put',
    description: 'Put the held object somewhere.',
    parameters: {
      type: 'object',
      properties: { object: { type: 'string' }, target: { type: 'string' } },
      required: ['object', 'target'],
      additionalProperties: false,
    },
  },
  { name: 'finish', description: 'Declare the task done.', parameters: { type: 'object', properties: {} } },
];

interface ScriptedTurn {
  text: string;
  call: ToolCall;
  result: { content: string; isError: boolean };
}

const TURNS: readonly ScriptedTurn[] = [
  {
    text: 'I will take the mug.',
    call: { id: 'call_0', name: 'take', arguments: '{"item":"mug"}' },
    result: { content: 'Error: take: unexpected argument "item".', isError: true },
  },
  {
    text: '',
    call: { id: 'call_1', name: 'take', arguments: '{"object": "mug"' },
    result: { content: 'Error: take: the arguments are not valid JSON.', isError: true },
  },
  {
    text: 'Taking the mug.',
    call: { id: 'call_2', name: 'take', arguments: '{"object":"mug"}' },
    result: { content: 'You take the mug.', isError: false },
  },
  {
    text: 'Placing it.',
    call: { id: 'call_3', name: 'put', arguments: '{"object":"mug","target":"shelf"}' },
    result: { content: 'You put the mug on the shelf.', isError: false },
  },
  {
    text: 'Done.',
    call: { id: 'call_4', name: 'finish', arguments: '{}' },
    result: { content: 'Task finished.', isError: false },
  },
];

/** The hook calls of the synthetic episode, in the order the runtime would make them. */
export function smokeEpisodeSteps(seed = 7): SmokeStep[] {
  const steps: SmokeStep[] = [];
  let messages: ChatMessage[] = [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: TASK.instruction },
  ];
  let inputTokens = 0;
  const view = (turn: number, toolCalls: number): EpisodeView => ({
    task: TASK,
    turn,
    seed,
    budgets: { maxTurns: 30, maxTokens: 200_000, maxToolCalls: 100, wallClockMs: 300_000 },
    usage: { inputTokens, outputTokens: turn * 20, toolCalls, turns: turn, elapsedMs: turn * 100 },
    messages,
    tools: SMOKE_TOOLS,
  });
  steps.push({
    hook: 'taskStart',
    data: { systemPrompt: SYSTEM_PROMPT, tools: SMOKE_TOOLS },
    episode: view(0, 0),
  });
  TURNS.forEach((scripted, turn) => {
    inputTokens += 200 + turn * 50;
    steps.push({ hook: 'turnStart', data: { messages }, episode: view(turn, turn) });
    steps.push({ hook: 'modelRequest', data: { messages }, episode: view(turn, turn) });
    const response = { text: scripted.text, toolCalls: [scripted.call], finishReason: 'tool_call' };
    steps.push({ hook: 'modelResponse', data: { response }, episode: view(turn, turn) });
    messages = [...messages, { role: 'assistant', content: scripted.text, toolCalls: [scripted.call] }];
    const tool = SMOKE_TOOLS.find((candidate) => candidate.name === scripted.call.name);
    steps.push({ hook: 'toolCall', data: { call: scripted.call, tool }, episode: view(turn, turn) });
    steps.push({
      hook: 'toolResult',
      data: { call: scripted.call, result: scripted.result },
      episode: view(turn, turn + 1),
    });
    messages = [
      ...messages,
      {
        role: 'tool',
        toolCallId: scripted.call.id,
        name: scripted.call.name,
        content: scripted.result.content,
        isError: scripted.result.isError,
      },
    ];
    const record = {
      text: scripted.text,
      toolCalls: [
        { ...scripted.call, result: scripted.result.content, isError: scripted.result.isError },
      ].map(({ id: _id, ...rest }) => rest),
    };
    steps.push({ hook: 'turnEnd', data: { record }, episode: view(turn, turn + 1) });
  });
  steps.push({
    hook: 'taskEnd',
    data: { outcome: 'success', success: true, reward: 1 },
    episode: view(TURNS.length, TURNS.length),
  });
  return steps;
}
