/**
 * Deterministic, realistic trajectories for tests and benchmarks: household-style episodes whose
 * model calls carry the whole growing conversation (as real chat spans do), tool calls with JSON
 * arguments, processor events, a mix of outcomes, and the occasional failed model or tool call.
 * Timestamps exceed 2^53 nanoseconds, as real ones do, so precision loss would show.
 */

import type { ChatMessage, ToolCall, ToolDefinition } from '../providers/model.ts';
import { createSeededRandom } from '../random.ts';
import type { EpisodeOutcome, ToolCallRecord, Trajectory, Turn } from './trajectory.ts';

export interface SyntheticTrajectoryOptions {
  episodes: number;
  turnsPerEpisode: number;
  /** Seed of the generator; equal seeds give equal trajectories. */
  seed?: number;
  /** Every `failEvery`-th episode ends in an error with a failed tool call (0 disables). Default 4. */
  failEvery?: number;
}

const BASE_TIME = 1_767_225_600_000_000_000n;
const ROOMS = ['kitchen', 'hallway', 'bedroom', 'garage', 'bathroom', 'study'];
const OBJECTS = ['mug', 'apple', 'key', 'book', 'towel', 'lamp', 'plate', 'remote'];

const TOOLS: ToolDefinition[] = [
  {
    name: 'go_to',
    description: 'Walk to a location in the house.',
    parameters: { type: 'object', properties: { target: { type: 'string' } }, required: ['target'] },
  },
  {
    name: 'take',
    description: 'Pick up an object that is within reach.',
    parameters: { type: 'object', properties: { object: { type: 'string' } }, required: ['object'] },
  },
  {
    name: 'finish',
    description: 'Declare the task complete.',
    parameters: { type: 'object', properties: {} },
  },
];

function hex(random: () => number, digits: number): string {
  let out = '';
  while (out.length < digits)
    out += Math.floor(random() * 0x10000)
      .toString(16)
      .padStart(4, '0');
  return out.slice(0, digits);
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

class Clock {
  constructor(private now: bigint) {}
  advance(milliseconds: number): string {
    this.now += BigInt(Math.round(milliseconds * 1_000_000));
    return this.now.toString();
  }
}

function observation(random: () => number, room: string): string {
  const seen = OBJECTS.filter(() => random() < 0.4).join(', ') || 'nothing of note';
  return `You arrive at the ${room}. On the counter you see: ${seen}. Exits lead to ${pick(random, ROOMS)} and ${pick(random, ROOMS)}.`;
}

function episode(
  random: () => number,
  index: number,
  options: Required<SyntheticTrajectoryOptions>,
): Trajectory {
  const clock = new Clock(BASE_TIME + BigInt(index) * 600_000_000_000n);
  const start = clock.advance(0);
  const goal = `put the ${pick(random, OBJECTS)} in the ${pick(random, ROOMS)}`;
  const history: ChatMessage[] = [
    {
      role: 'system',
      content: 'You are a household agent. Use the tools to act; call finish when the task is done.',
    },
    { role: 'user', content: `Your task: ${goal}. Think step by step and check the goal before finishing.` },
  ];
  const failing = options.failEvery > 0 && index % options.failEvery === options.failEvery - 1;
  const turns: Turn[] = [];
  for (let turnIndex = 0; turnIndex < options.turnsPerEpisode; turnIndex++) {
    const last = turnIndex === options.turnsPerEpisode - 1;
    const name = last ? 'finish' : turnIndex % 3 === 2 ? 'take' : 'go_to';
    const args =
      name === 'go_to'
        ? { target: pick(random, ROOMS) }
        : name === 'take'
          ? { object: pick(random, OBJECTS) }
          : {};
    const call: ToolCall = { id: `call_${index}_${turnIndex}`, name, arguments: JSON.stringify(args) };
    const text =
      random() < 0.5 ? `I should ${name.replace('_', ' ')} next to make progress on: ${goal}.` : '';
    const modelStart = clock.advance(2);
    const inputMessages = [...history];
    const modelEnd = clock.advance(300 + random() * 900);
    const toolFails = failing && turnIndex === options.turnsPerEpisode - 2;
    const result = toolFails
      ? 'error: the environment did not respond'
      : name === 'go_to'
        ? observation(random, String(args.target))
        : name === 'take'
          ? `You pick up the ${String(args.object)}.`
          : 'Task finished.';
    const toolCall: ToolCallRecord = {
      callId: call.id,
      name,
      arguments: call.arguments,
      result,
      isError: toolFails,
      resultSource: 'environment',
      startTimeUnixNano: clock.advance(1),
      endTimeUnixNano: clock.advance(5 + random() * 40),
    };
    if (toolFails)
      toolCall.error = { type: 'tool_timeout', message: 'the environment did not respond in 30 s' };
    turns.push({
      index: turnIndex,
      modelCall: {
        provider: 'openai',
        model: 'gpt-4o-mini',
        responseModel: 'gpt-4o-mini-2024-07-18',
        inputMessages,
        tools: TOOLS,
        output: { text, toolCalls: [call], finishReason: 'tool_call' },
        usage: { inputTokens: 120 + 60 * turnIndex, outputTokens: 20 + Math.floor(random() * 30) },
        costUsd: 0.0001 * (turnIndex + 1),
        startTimeUnixNano: modelStart,
        endTimeUnixNano: modelEnd,
      },
      toolCalls: [toolCall],
    });
    history.push({ role: 'assistant', content: text, toolCalls: [call] });
    history.push({ role: 'tool', toolCallId: call.id, name, content: result, isError: toolFails });
  }
  const outcome: EpisodeOutcome = failing ? 'error' : random() < 0.6 ? 'success' : 'failure';
  const usage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };
  for (const turn of turns) {
    usage.inputTokens += turn.modelCall.usage.inputTokens;
    usage.outputTokens += turn.modelCall.usage.outputTokens;
    usage.costUsd += turn.modelCall.costUsd ?? 0;
  }
  const trajectory: Trajectory = {
    traceId: hex(random, 32),
    agentName: 'household-agent',
    provider: 'openai',
    model: 'gpt-4o-mini',
    harness: { name: 'household-baseline', contentId: hex(random, 64) },
    taskId: `household-${String(index).padStart(3, '0')}`,
    suite: 'household',
    split: index % 3 === 0 ? 'heldout' : 'adaptation',
    seed: index,
    outcome,
    success: outcome === 'success',
    reward: outcome === 'success' ? 1 : Math.round(random() * 50) / 100,
    usage,
    turns,
    events: [
      {
        name: 'processor-applied',
        turn: 0,
        timeUnixNano: turns[0]?.modelCall.startTimeUnixNano ?? start,
        attributes: { processorId: 'loop-guard', hook: 'modelResponse', changed: false },
      },
    ],
    startTimeUnixNano: start,
    endTimeUnixNano: clock.advance(3),
    extraAttributes: {},
  };
  if (failing)
    trajectory.error = { type: 'tool_timeout', message: 'a tool call timed out and the episode stopped' };
  return trajectory;
}

/** Generates `episodes` trajectories of `turnsPerEpisode` turns each. */
export function createSyntheticTrajectories(options: SyntheticTrajectoryOptions): Trajectory[] {
  const resolved: Required<SyntheticTrajectoryOptions> = { seed: 1, failEvery: 4, ...options };
  const random = createSeededRandom(resolved.seed);
  return Array.from({ length: resolved.episodes }, (_, index) => episode(random, index, resolved));
}
