/**
 * Attribute keys shared by the writer and the reader: the GenAI semantic conventions (v1.41)
 * and our own `harnessx.*` namespace.
 */

export const GENAI = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  /** Deprecated spelling of the provider, still written by older exporters. */
  system: 'gen_ai.system',
  agentName: 'gen_ai.agent.name',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  /** Deprecated usage keys. */
  promptTokens: 'gen_ai.usage.prompt_tokens',
  completionTokens: 'gen_ai.usage.completion_tokens',
  finishReasons: 'gen_ai.response.finish_reasons',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  systemInstructions: 'gen_ai.system_instructions',
  toolDefinitions: 'gen_ai.tool.definitions',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  toolType: 'gen_ai.tool.type',
  toolCallArguments: 'gen_ai.tool.call.arguments',
  toolCallResult: 'gen_ai.tool.call.result',
  evaluationName: 'gen_ai.evaluation.name',
  evaluationScoreValue: 'gen_ai.evaluation.score.value',
  evaluationScoreLabel: 'gen_ai.evaluation.score.label',
  errorType: 'error.type',
} as const;

export const GENAI_EVENTS = {
  evaluationResult: 'gen_ai.evaluation.result',
  inferenceDetails: 'gen_ai.client.inference.operation.details',
} as const;

/** The OpenTelemetry exception event, which carries the episode's error message. */
export const EXCEPTION_EVENT = {
  name: 'exception',
  type: 'exception.type',
  message: 'exception.message',
} as const;

export const HARNESSX = {
  harnessName: 'harnessx.harness.name',
  harnessId: 'harnessx.harness.id',
  taskId: 'harnessx.task.id',
  suite: 'harnessx.suite',
  split: 'harnessx.split',
  seed: 'harnessx.episode.seed',
  outcome: 'harnessx.episode.outcome',
  success: 'harnessx.episode.success',
  reward: 'harnessx.episode.reward',
  costUsd: 'harnessx.usage.cost_usd',
  turnIndex: 'harnessx.turn.index',
  toolResultSource: 'harnessx.tool.result_source',
  toolIsError: 'harnessx.tool.is_error',
} as const;

/** Operation names whose spans are model calls. */
export const INFERENCE_OPERATIONS: ReadonlySet<string> = new Set([
  'chat',
  'text_completion',
  'generate_content',
]);

/** Prefix for trajectory-event attribute keys that carry no namespace of their own. */
export const EVENT_ATTRIBUTE_PREFIX = 'harnessx.';

/** The key a trajectory-event attribute is written under (bare keys go under `harnessx.`). */
export function eventAttributeKey(key: string): string {
  return key.includes('.') ? key : `${EVENT_ATTRIBUTE_PREFIX}${key}`;
}

/** Inverse of `eventAttributeKey`. */
export function eventAttributeName(key: string): string {
  if (!key.startsWith(EVENT_ATTRIBUTE_PREFIX)) return key;
  const rest = key.slice(EVENT_ATTRIBUTE_PREFIX.length);
  return rest.includes('.') ? key : rest;
}
