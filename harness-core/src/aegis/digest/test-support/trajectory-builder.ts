/**
 * Hand-built trajectories for the digest's tests: a few lines per episode, with the fields the
 * analysers read (tool calls with results and errors, model errors, final texts, events).
 */
import { createHash } from 'node:crypto';
import type { EpisodeOutcome, ToolCallRecord, Trajectory, Turn } from '../../../trace/trajectory.ts';

export interface ToolStepOptions {
  isError?: boolean;
  source?: ToolCallRecord['resultSource'];
  errorType?: string;
  spanId?: string;
}

/** One tool call with its result; `args` objects are written as JSON, strings kept raw. */
export function toolStep(
  name: string,
  args: Record<string, unknown> | string,
  result: string,
  options: ToolStepOptions = {},
): ToolCallRecord {
  const isError = options.isError ?? false;
  return {
    ...(options.spanId ? { spanId: options.spanId } : {}),
    callId: `call-${name}`,
    name,
    arguments: typeof args === 'string' ? args : JSON.stringify(args),
    result,
    isError,
    resultSource: options.source ?? 'environment',
    ...(isError ? { error: { type: options.errorType ?? 'tool_error', message: result } } : {}),
    startTimeUnixNano: '1',
    endTimeUnixNano: '2',
  };
}

/** A turn: its tool calls, or a final text, or a failed model call. */
export type TurnSpec =
  | ToolCallRecord[]
  | { text: string; calls?: ToolCallRecord[] }
  | { modelError: { type: string; message: string } };

export interface TrajectorySpec {
  taskId?: string;
  /** Distinguishes rollouts of one task (enters the trace id). */
  rollout?: number;
  outcome: EpisodeOutcome;
  success?: boolean;
  reward?: number;
  turns: TurnSpec[];
  events?: { name: string; turn?: number; attributes?: Record<string, string | number | boolean> }[];
  error?: { type: string; message: string };
}

function makeTurn(index: number, spec: TurnSpec): Turn {
  const base = {
    provider: 'scripted',
    model: 'scripted-model',
    inputMessages: [{ role: 'user' as const, content: `turn ${index}` }],
    usage: { inputTokens: 10, outputTokens: 5 },
    startTimeUnixNano: '1',
    endTimeUnixNano: '2',
  };
  if (!Array.isArray(spec) && 'modelError' in spec) {
    return { index, modelCall: { ...base, output: null, error: spec.modelError }, toolCalls: [] };
  }
  const calls = Array.isArray(spec) ? spec : (spec.calls ?? []);
  const text = Array.isArray(spec) ? '' : spec.text;
  return {
    index,
    modelCall: {
      ...base,
      output: {
        text,
        toolCalls: calls.map((call) => ({ id: call.callId, name: call.name, arguments: call.arguments })),
        finishReason: calls.length > 0 ? 'tool_call' : 'stop',
      },
    },
    toolCalls: calls,
  };
}

export function buildTrajectory(spec: TrajectorySpec): Trajectory {
  const taskId = spec.taskId ?? 'task-1';
  const traceId = createHash('sha256')
    .update(`${taskId}:${spec.rollout ?? 0}`)
    .digest('hex')
    .slice(0, 32);
  const success = spec.success ?? spec.outcome === 'success';
  return {
    traceId,
    agentName: 'test-agent',
    provider: 'scripted',
    model: 'scripted-model',
    taskId,
    outcome: spec.outcome,
    success,
    reward: spec.reward ?? (success ? 1 : 0),
    usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
    turns: spec.turns.map((turn, index) => makeTurn(index, turn)),
    events: (spec.events ?? []).map((event) => ({
      name: event.name,
      ...(event.turn === undefined ? {} : { turn: event.turn }),
      timeUnixNano: '1',
      attributes: event.attributes ?? {},
    })),
    ...(spec.error ? { error: spec.error } : {}),
    startTimeUnixNano: '1',
    endTimeUnixNano: '2',
    extraAttributes: {},
  };
}

/** Shorthands for common household-like steps. */
export const steps = {
  look: (room = 'kitchen') =>
    toolStep('look', {}, `You are in the ${room}. Around you: countertop 1, fridge 1.`),
  goTo: (target: string) => toolStep('go_to', { target }, `You arrive at ${target}.`),
  nothing: (name: string, args: Record<string, unknown>) =>
    toolStep(name, args, 'Nothing happens.', { isError: true }),
  badJson: (name: string, raw: string) =>
    toolStep(name, raw, `Error: the arguments of ${name} are not valid JSON: Unexpected token`, {
      isError: true,
      source: 'runtime',
      errorType: 'invalid_arguments',
    }),
  finish: () => toolStep('finish', {}, 'You finish the task.'),
};
