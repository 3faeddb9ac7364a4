/**
 * A `ModelV1` that answers from a recording: each call gets the output of the next recorded model
 * call, in order, across one or more episodes. Re-runs an episode without a model server, and with
 * `strict` it proves that the harness sent exactly what it sent when the recording was made.
 */
import {
  AbortedError,
  type HarnessError,
  InputError,
  ModelBehaviorError,
  SystemError,
  TransientError,
} from '../errors.ts';
import type { ModelCallRecord, Trajectory } from '../trace/trajectory.ts';
import type { ChatMessage, GenerateRequest, GenerateResult, ModelV1 } from './model.ts';

export interface ReplayModelOptions {
  /** Reject a request whose messages differ from the recorded input messages. Default false. */
  strict?: boolean;
}

/** A replay model also tells how far through the recording it is. */
export interface ReplayModel extends ModelV1 {
  /** Calls answered so far. */
  readonly callCount: number;
  /** Recorded calls not yet answered. */
  readonly remainingCalls: number;
}

/** Error codes of replay failures. */
export const REPLAY_ERROR_CODES = {
  exhausted: 'REPLAY_EXHAUSTED',
  diverged: 'REPLAY_DIVERGED',
  emptyRecord: 'REPLAY_RECORD_EMPTY',
  recordedError: 'REPLAY_RECORDED_ERROR',
} as const;

interface RecordedCall {
  record: ModelCallRecord;
  traceId: string;
  turnIndex: number;
}

/**
 * Creates a replay model over the recorded episode(s), in the order given.
 * @example
 * const model = createReplayModel(trajectories, { strict: true });
 * await runEpisode({ harness, environment, task, models: { worker: model } });
 */
export function createReplayModel(
  trajectory: Trajectory | readonly Trajectory[],
  options: ReplayModelOptions = {},
): ReplayModel {
  const trajectories: readonly Trajectory[] = Array.isArray(trajectory)
    ? trajectory
    : [trajectory as Trajectory];
  const calls: RecordedCall[] = [];
  for (const episode of trajectories) {
    for (const turn of episode.turns) {
      calls.push({ record: turn.modelCall, traceId: episode.traceId, turnIndex: turn.index });
    }
  }
  const first = trajectories[0];
  const provider = calls[0]?.record.provider ?? first?.provider ?? 'replay';
  const modelId = calls[0]?.record.model ?? first?.model ?? 'replay';
  return new RecordedModel(calls, provider, modelId, options.strict ?? false);
}

class RecordedModel implements ReplayModel {
  readonly specificationVersion = 'v1' as const;
  readonly provider: string;
  readonly modelId: string;
  readonly #calls: readonly RecordedCall[];
  readonly #strict: boolean;
  #next = 0;

  constructor(calls: readonly RecordedCall[], provider: string, modelId: string, strict: boolean) {
    this.#calls = calls;
    this.provider = provider;
    this.modelId = modelId;
    this.#strict = strict;
  }

  get callCount(): number {
    return this.#next;
  }

  get remainingCalls(): number {
    return this.#calls.length - this.#next;
  }

  async doGenerate(request: GenerateRequest): Promise<GenerateResult> {
    if (request.signal?.aborted) throw new AbortedError(undefined, { cause: request.signal.reason });
    const index = this.#next;
    const call = this.#calls[index];
    if (call === undefined) {
      throw new ModelBehaviorError(
        `replay: the recording has ${this.#calls.length} model call(s); call #${index} has no recorded answer`,
        { code: REPLAY_ERROR_CODES.exhausted },
      );
    }
    const where = `model call #${index} (trace ${call.traceId}, turn ${call.turnIndex})`;
    if (this.#strict) {
      const difference = firstMessageDifference(call.record.inputMessages, request.messages);
      if (difference !== undefined) {
        throw new ModelBehaviorError(`replay diverged at ${where}: ${difference}`, {
          code: REPLAY_ERROR_CODES.diverged,
        });
      }
    }
    this.#next++;
    const { record } = call;
    if (record.error !== undefined) throw recordedError(record.error, where);
    if (record.output === null) {
      throw new ModelBehaviorError(`replay: ${where} was recorded with neither an output nor an error`, {
        code: REPLAY_ERROR_CODES.emptyRecord,
      });
    }
    const result: GenerateResult = {
      text: record.output.text,
      toolCalls: record.output.toolCalls.map((toolCall) => ({ ...toolCall })),
      finishReason: record.output.finishReason,
      usage: { ...record.usage },
    };
    if (record.responseModel !== undefined) result.responseModel = record.responseModel;
    if (record.costUsd !== undefined) result.costUsd = record.costUsd;
    return result;
  }
}

const TRANSIENT_CODES = new Set([
  'TRANSIENT',
  'MODEL_RATE_LIMITED',
  'MODEL_SERVER_ERROR',
  'MODEL_TIMEOUT',
  'MODEL_UNREACHABLE',
]);
const SYSTEM_CODES = new Set(['SYSTEM', 'MODEL_AUTH', 'MODEL_REQUEST_REJECTED', 'MODEL_TRANSPORT']);

/**
 * Rebuilds an error of the same class and code as the recorded one, so retry policy and outcome
 * classification behave as they did. Foreign or unknown types become a `ModelBehaviorError`.
 */
export function recordedError(error: { type: string; message: string }, where: string): HarnessError {
  const message = `replayed failure of ${where}: ${error.message}`;
  const { type } = error;
  if (TRANSIENT_CODES.has(type) || type === 'TransientError') {
    return new TransientError(message, { code: type === 'TransientError' ? 'TRANSIENT' : type });
  }
  if (SYSTEM_CODES.has(type) || type === 'SystemError') {
    return new SystemError(message, { code: type === 'SystemError' ? 'SYSTEM' : type });
  }
  if (type === 'ABORTED' || type === 'AbortedError') return new AbortedError(message);
  if (type === 'INPUT_INVALID' || type === 'InputError') {
    return new InputError('model response', `replay of ${where}`, [{ path: '', message: error.message }]);
  }
  if (type === 'MODEL_BEHAVIOR' || type === 'ModelBehaviorError') return new ModelBehaviorError(message);
  return new ModelBehaviorError(`${message} (recorded error type ${type})`, {
    code: REPLAY_ERROR_CODES.recordedError,
  });
}

/**
 * What strict replay compares: role, content, tool calls and the tool-call id a result answers.
 * A tool message's `name` and `isError` are left out because trace formats do not keep them.
 */
function comparableMessage(message: ChatMessage): Record<string, unknown> {
  const comparable: Record<string, unknown> = { role: message.role, content: message.content };
  if (message.role === 'assistant' && message.toolCalls && message.toolCalls.length > 0) {
    comparable['toolCalls'] = message.toolCalls.map(({ id, name, arguments: args }) => ({
      id,
      name,
      arguments: args,
    }));
  }
  if (message.role === 'tool') comparable['toolCallId'] = message.toolCallId;
  return comparable;
}

/** Describes the first message where `actual` departs from `expected`, or `undefined` when equal. */
export function firstMessageDifference(
  expected: readonly ChatMessage[],
  actual: readonly ChatMessage[],
): string | undefined {
  const length = Math.max(expected.length, actual.length);
  for (let index = 0; index < length; index++) {
    const recorded = expected[index];
    const sent = actual[index];
    if (recorded === undefined) {
      return `message ${index} was not in the recording (recorded ${expected.length} messages, got ${actual.length}): ${preview(comparableMessage(sent!))}`;
    }
    if (sent === undefined) {
      return `message ${index} is missing (recorded ${expected.length} messages, got ${actual.length}); recorded: ${preview(comparableMessage(recorded))}`;
    }
    const recordedText = JSON.stringify(comparableMessage(recorded));
    const sentText = JSON.stringify(comparableMessage(sent));
    if (recordedText !== sentText) {
      return `message ${index} differs: recorded ${preview(comparableMessage(recorded))}, got ${preview(comparableMessage(sent))}`;
    }
  }
  return undefined;
}

function preview(value: unknown, maxLength = 300): string {
  const text = JSON.stringify(value);
  return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
}
