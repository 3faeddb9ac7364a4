/**
 * Collects what happens in one episode into a `Trajectory`: model calls, tool calls, events and
 * usage. Recording is separate from the loop so every exit path (success, budget, abort, error)
 * produces the same complete record.
 */
import type { ModelUsage } from '../providers/model.ts';
import type {
  EpisodeOutcome,
  ModelCallRecord,
  ToolCallRecord,
  Trajectory,
  TrajectoryEvent,
  Turn,
} from '../trace/trajectory.ts';
import { nowUnixNano } from './clock.ts';

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
