/**
 * `Trajectory`: the internal, transport-independent record of one episode. The runtime builds it,
 * the OTLP writer serialises it, the reader rebuilds it from any supported trace file, and digest
 * and the GRPO builder consume it.
 */
import type { ChatMessage, FinishReason, ModelUsage, ToolCall, ToolDefinition } from '../providers/model.ts';

export type EpisodeOutcome =
  /** The agent finished and the verifier judged the task solved. */
  | 'success'
  /** The agent finished (or stopped calling tools) but the task is not solved. */
  | 'failure'
  /** A turn, token, tool-call or wall-clock budget ran out. */
  | 'budget-exhausted'
  /** A processor interrupted the episode (e.g. an approval was denied). */
  | 'interrupted'
  /** The caller's AbortSignal fired. */
  | 'aborted'
  /** The model or the harness failed in a way the episode could not recover from. */
  | 'error';

/** The GenAI operation a model call was recorded as. */
export type InferenceOperation = 'chat' | 'text_completion' | 'generate_content';

export interface ModelCallRecord {
  spanId?: string;
  /** `gen_ai.operation.name` of the call; absent means `chat`. */
  operationName?: InferenceOperation;
  provider: string;
  model: string;
  responseModel?: string;
  inputMessages: ChatMessage[];
  tools?: ToolDefinition[];
  output: { text: string; toolCalls: ToolCall[]; finishReason: FinishReason } | null;
  usage: ModelUsage;
  costUsd?: number;
  /** Set when the call failed: the error's type (stable code) and message. */
  error?: { type: string; message: string };
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  /**
   * Attributes of the call's span we do not map ourselves (vendor ids, request parameters),
   * kept so nothing is lost and written back on the same span. Absent when there are none.
   */
  extraAttributes?: Record<string, unknown>;
}

export interface ToolCallRecord {
  spanId?: string;
  callId: string;
  name: string;
  /** Arguments as the runtime finally used them (after repair/rewrite), raw text. */
  arguments: string;
  result: string;
  isError: boolean;
  /** Who produced the result: the environment, or a processor that intercepted the call. */
  resultSource: 'environment' | 'processor' | 'runtime';
  error?: { type: string; message: string };
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  /** Attributes of the call's span we do not map ourselves; absent when there are none. */
  extraAttributes?: Record<string, unknown>;
}

export interface TrajectoryEvent {
  /** `<noun>-<verb>` names, e.g. `processor-error`, `processor-applied`, `budget-exhausted`. */
  name: string;
  turn?: number;
  timeUnixNano: string;
  attributes: Record<string, string | number | boolean>;
}

export interface Turn {
  index: number;
  modelCall: ModelCallRecord;
  toolCalls: ToolCallRecord[];
}

export interface Trajectory {
  /** 32-hex-digit OpenTelemetry trace id of the episode. */
  traceId: string;
  /** Span id of the `invoke_agent` span. */
  spanId?: string;
  agentName: string;
  provider: string;
  model: string;
  harness?: { name: string; contentId: string };
  taskId?: string;
  suite?: string;
  split?: string;
  seed?: number;
  outcome: EpisodeOutcome;
  success: boolean;
  reward: number;
  usage: ModelUsage & { costUsd: number };
  turns: Turn[];
  events: TrajectoryEvent[];
  error?: { type: string; message: string };
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  /** Attributes of the episode span we do not map ourselves, kept so nothing is lost. */
  extraAttributes: Record<string, unknown>;
}
