/**
 * Collects what happens in one episode into a `Trajectory`: model calls, tool calls, events and
 * usage. Recording is separate from the loop so every exit path (success, budget, abort, error)
 * produces the same complete record.
 */
import type { GenerateResult, ModelUsage, ToolCall } from '../providers/model.ts';
import type {
  EpisodeOutcome,
  ModelCallRecord,
  ToolCallRecord,
  Trajectory,
  TrajectoryEvent,
  Turn,
} from '../trace/trajectory.ts';
import { nowUnixNano } from './clock.ts';
import type { ExecutedTool } from './tool-executor.ts';

export interface EpisodeIdentity {
  traceId: string;
  agentName: string;
  provider: string;
  model: string;
  harness: { name: string; contentId: string };
  taskId: string;
  suite: string;
  split?: string;
  seed: number;
}

/** What is known of a model call when it starts. */
export type ModelCallStart = Pick<
  ModelCallRecord,
  'provider' | 'model' | 'inputMessages' | 'tools' | 'startTimeUnixNano'
>;

export class EpisodeRecorder {
  readonly turns: Turn[] = [];
  readonly events: TrajectoryEvent[] = [];
  readonly usage: ModelUsage & { costUsd: number } = { inputTokens: 0, outputTokens: 0, costUsd: 0 };
  toolCallCount = 0;
  readonly #startTimeUnixNano = nowUnixNano();
  readonly #identity: EpisodeIdentity;
  #currentTurn = 0;

  constructor(identity: EpisodeIdentity) {
    this.#identity = identity;
  }

  setTurn(index: number): void {
    this.#currentTurn = index;
  }

  event(name: string, attributes: Record<string, string | number | boolean> = {}): void {
    this.events.push({ name, turn: this.#currentTurn, timeUnixNano: nowUnixNano(), attributes });
  }

  recordModelCall(call: ModelCallRecord): Turn {
    this.usage.inputTokens += call.usage.inputTokens;
    this.usage.outputTokens += call.usage.outputTokens;
    this.usage.costUsd += call.costUsd ?? 0;
    const turn: Turn = { index: this.turns.length, modelCall: call, toolCalls: [] };
    this.turns.push(turn);
    return turn;
  }

  recordToolCall(turn: Turn, call: ToolCallRecord): void {
    this.toolCallCount += 1;
    turn.toolCalls.push(call);
  }

  /**
   * Records a model call that returned `result`, ending now. `output` is what the model said,
   * before any processor's patch. Optional fields are set one by one, in record order, rather
   * than spread into a literal, which costs several times as much.
   */
  recordModelResult(call: ModelCallStart, output: ModelCallRecord['output'], result: GenerateResult): Turn {
    if (!result.responseModel && result.costUsd === undefined) {
      // The common case, in one literal with the fields in record order: one allocation, no
      // property added later.
      return this.recordModelCall({
        provider: call.provider,
        model: call.model,
        inputMessages: call.inputMessages,
        tools: call.tools,
        output,
        usage: result.usage,
        startTimeUnixNano: call.startTimeUnixNano,
        endTimeUnixNano: nowUnixNano(),
      });
    }
    const record = { provider: call.provider, model: call.model } as ModelCallRecord;
    if (result.responseModel) record.responseModel = result.responseModel;
    record.inputMessages = call.inputMessages;
    record.tools = call.tools;
    record.output = output;
    record.usage = result.usage;
    if (result.costUsd !== undefined) record.costUsd = result.costUsd;
    record.startTimeUnixNano = call.startTimeUnixNano;
    record.endTimeUnixNano = nowUnixNano();
    return this.recordModelCall(record);
  }

  /** Records a model call that failed with `error`, ending now. */
  recordModelFailure(call: ModelCallStart, error: { type: string; message: string }): Turn {
    return this.recordModelCall({
      provider: call.provider,
      model: call.model,
      inputMessages: call.inputMessages,
      tools: call.tools,
      output: null,
      usage: { inputTokens: 0, outputTokens: 0 },
      error,
      startTimeUnixNano: call.startTimeUnixNano,
      endTimeUnixNano: nowUnixNano(),
    });
  }

  /** Records a tool call of `turn` that started at `startTimeUnixNano` and ends now (see above). */
  recordToolResult(turn: Turn, call: ToolCall, result: ExecutedTool, startTimeUnixNano: string): void {
    if (!result.isError) {
      // The common case, in one literal with the fields in record order (see above).
      this.recordToolCall(turn, {
        callId: call.id,
        name: call.name,
        arguments: call.arguments,
        result: result.content,
        isError: result.isError,
        resultSource: result.source,
        startTimeUnixNano,
        endTimeUnixNano: nowUnixNano(),
      });
      return;
    }
    this.recordToolCall(turn, {
      callId: call.id,
      name: call.name,
      arguments: call.arguments,
      result: result.content,
      isError: result.isError,
      resultSource: result.source,
      error: { type: result.errorType ?? 'tool_error', message: result.content },
      startTimeUnixNano,
      endTimeUnixNano: nowUnixNano(),
    });
  }

  finish(
    outcome: EpisodeOutcome,
    score: { success: boolean; reward: number },
    error?: { type: string; message: string },
  ): Trajectory {
    const identity = this.#identity;
    return {
      traceId: identity.traceId,
      agentName: identity.agentName,
      provider: identity.provider,
      model: identity.model,
      harness: identity.harness,
      taskId: identity.taskId,
      suite: identity.suite,
      ...(identity.split === undefined ? {} : { split: identity.split }),
      seed: identity.seed,
      outcome,
      success: score.success,
      reward: score.reward,
      usage: { ...this.usage },
      turns: this.turns,
      events: this.events,
      ...(error ? { error } : {}),
      startTimeUnixNano: this.#startTimeUnixNano,
      endTimeUnixNano: nowUnixNano(),
      extraAttributes: {},
    };
  }
}
