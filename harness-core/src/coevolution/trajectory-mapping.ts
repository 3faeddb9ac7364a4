/**
 * Our `Trajectory` (as read back from an OTLP/JSON trace) → a §5 trajectory candidate: calls
 * with their exact request contexts, responses, sampling and (when the serving stack recorded
 * them) token ids, plus the group key parts and the status the builder filters on.
 */
import { InputError } from '../errors.ts';
import type { ChatMessage, FinishReason, ToolCall, ToolDefinition } from '../providers/model.ts';
import type { ModelCallRecord, Trajectory } from '../trace/trajectory.ts';
import { messageDeltas, tokenDeltas } from './context-deltas.ts';
import type {
  RewardSpec,
  XgrpoCall,
  XgrpoHarnessRef,
  XgrpoMessage,
  XgrpoResponse,
  XgrpoSampling,
  XgrpoTokens,
  XgrpoTool,
  XgrpoTrajectoryStatus,
} from './group-record-schema.ts';
import { basePolicy, type PolicyDescriptor } from './policy.ts';

/** Span attributes a serving stack may record per call; read from the call's extra attributes. */
export const TOKEN_ATTRIBUTES = {
  promptIds: 'harnessx.tokens.prompt_ids',
  completionIds: 'harnessx.tokens.completion_ids',
  completionLogprobs: 'harnessx.tokens.completion_logprobs',
  logprobsMode: 'harnessx.tokens.logprobs_mode',
} as const;

const SAMPLING_ATTRIBUTES = {
  temperature: 'gen_ai.request.temperature',
  topP: 'gen_ai.request.top_p',
  topK: 'gen_ai.request.top_k',
  maxTokens: 'gen_ai.request.max_tokens',
} as const;

/** Error types of an `error` outcome that mean the infrastructure failed, not the agent (E3). */
const INFRA_ERROR_TYPES = new Set(['ABORTED', 'TRANSIENT', 'SYSTEM', 'MODEL_SERVER_ERROR', 'ECONNREFUSED']);

export type CandidateStatus = XgrpoTrajectoryStatus | 'infra_error';

/** One trajectory ready for grouping: the §5 record minus reward/advantage, plus its key parts. */
export interface TrajectoryCandidate {
  /** Where it came from (trace key), for messages. */
  source: string;
  taskId: string;
  policy: PolicyDescriptor;
  rewardSpec: RewardSpec;
  status: CandidateStatus;
  /** Null (or non-finite) when the evaluator gave none: excluded as `reward_missing` (E3). */
  reward: number | null;
  trajectoryId: string;
  harness: XgrpoHarnessRef;
  rewardComponents?: Record<string, number>;
  tools: XgrpoTool[];
  calls: XgrpoCall[];
}

export interface MappingOptions {
  /** Reward spec of a suite; default `task_success` v1 over [0, 1] (every suite's reward is in [0, 1]). */
  rewardSpecFor?: (suite: string | undefined) => RewardSpec;
  /** Policy that sampled the worker's calls; default: the worker's `provider:model`, no adapter. */
  policyFor?: (provider: string, model: string) => PolicyDescriptor;
  /** Where a harness version lives; default the artifact store key. */
  harnessArtifactUri?: (name: string, contentId: string) => string;
}

export const DEFAULT_REWARD_SPEC: RewardSpec = { name: 'task_success', version: '1', range: [0, 1] };

export function candidateFromTrajectory(
  trajectory: Trajectory,
  source: string,
  options: MappingOptions = {},
): TrajectoryCandidate {
  const missing = [
    ...(trajectory.harness ? [] : [{ path: 'harness', message: 'the episode names no harness version' }]),
    ...(trajectory.taskId ? [] : [{ path: 'taskId', message: 'the episode names no task id' }]),
  ];
  if (!trajectory.harness || !trajectory.taskId)
    throw new InputError('trajectory for GRPO', `${source} (trace ${trajectory.traceId})`, missing);
  const { name, contentId } = trajectory.harness;
  const artifactUri =
    options.harnessArtifactUri?.(name, contentId) ??
    `harnesses/${name}/versions/${contentId.replace(':', '-')}/harness.json`;
  const worked = trajectory.turns
    .map((turn) => turn.modelCall)
    .filter((call) => call.output !== null && call.output.finishReason !== 'error');
  const tools = mapTools(worked[0]?.tools ?? []);
  return {
    source,
    taskId: trajectory.taskId,
    policy: (options.policyFor ?? basePolicy)(trajectory.provider, trajectory.model),
    rewardSpec: (options.rewardSpecFor ?? (() => DEFAULT_REWARD_SPEC))(trajectory.suite),
    status: statusOf(trajectory),
    reward: Number.isFinite(trajectory.reward) ? trajectory.reward : null,
    trajectoryId: `t:${trajectory.traceId}`,
    harness: {
      harness_id: name,
      version: contentId,
      artifact_uri: artifactUri,
      sha256: contentId.startsWith('sha256:') ? contentId.slice('sha256:'.length) : null,
    },
    tools,
    calls: mapCalls(worked, trajectory, tools, source),
  };
}

function statusOf(trajectory: Trajectory): CandidateStatus {
  switch (trajectory.outcome) {
    case 'success':
    case 'failure':
    case 'interrupted':
      return 'completed';
    case 'budget-exhausted': {
      const event = trajectory.events.find((e) => e.name === 'budget-exhausted');
      return event?.attributes.budget === 'wall-clock' ? 'timeout' : 'budget_exhausted';
    }
    case 'aborted':
      return 'infra_error';
    case 'error':
      return INFRA_ERROR_TYPES.has(trajectory.error?.type ?? '') ? 'infra_error' : 'agent_error';
  }
}

function mapCalls(
  records: readonly ModelCallRecord[],
  trajectory: Trajectory,
  tools: XgrpoTool[],
  source: string,
): XgrpoCall[] {
  const requests = records.map((record) => record.inputMessages.map(mapMessage));
  const responses = records.map((record) => {
    const output = record.output as NonNullable<ModelCallRecord['output']>;
    return mapAssistant(output.text, output.toolCalls) as XgrpoResponse;
  });
  const contexts = messageDeltas(requests, responses);
  const tokens = records.map((record, index) =>
    readTokens(record, `${source} (trace ${trajectory.traceId}, call c${index})`),
  );
  const withTokens = tokens.flatMap((t, index) => (t ? [{ t, index }] : []));
  const tokenDelta = tokenDeltas(
    withTokens.map(({ t }) => t.prompt_ids),
    withTokens.map(({ t }) => t.completion_ids),
  );
  const tokenByIndex = new Map(
    withTokens.map(({ t, index }, k) => {
      const delta = tokenDelta[k] as (typeof tokenDelta)[number];
      const base =
        delta.extendsIndex === null
          ? null
          : callId((withTokens[delta.extendsIndex] as { index: number }).index);
      return [index, { ...t, extends: base, prompt_ids: delta.items }] as const;
    }),
  );
  const toolsKey = JSON.stringify(tools);
  return records.map((record, index) => {
    const context = contexts[index] as (typeof contexts)[number];
    const callTools = mapTools(record.tools ?? []);
    const call: XgrpoCall = {
      call_id: callId(index),
      trainable: record.provider === trajectory.provider && record.model === trajectory.model,
      context: {
        extends: context.extendsIndex === null ? null : callId(context.extendsIndex),
        messages: context.items,
        tools: JSON.stringify(callTools) === toolsKey ? null : callTools,
        chat_template_kwargs: {},
      },
      response: responses[index] as XgrpoResponse,
      finish_reason: mapFinishReason((record.output as NonNullable<ModelCallRecord['output']>).finishReason),
      sampling: readSampling(record),
    };
    const callTokens = tokenByIndex.get(index);
    if (callTokens) call.tokens = callTokens;
    return call;
  });
}

function callId(index: number): string {
  return `c${index}`;
}

export function mapTools(tools: readonly ToolDefinition[]): XgrpoTool[] {
  return tools.map((tool) => ({
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  }));
}

function mapAssistant(text: string, toolCalls: readonly ToolCall[] | undefined): XgrpoMessage {
  const calls = toolCalls ?? [];
  const message: XgrpoMessage = {
    role: 'assistant',
    content: text === '' && calls.length > 0 ? null : text,
  };
  if (calls.length > 0)
    message.tool_calls = calls.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));
  return message;
}

function mapMessage(message: ChatMessage): XgrpoMessage {
  switch (message.role) {
    case 'system':
    case 'user':
      return { role: message.role, content: message.content };
    case 'assistant':
      return mapAssistant(message.content, message.toolCalls);
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, name: message.name, content: message.content };
  }
}

function mapFinishReason(reason: FinishReason): XgrpoCall['finish_reason'] {
  // Calls that ended in `error` never get here: they have no response to train on.
  if (reason === 'error') return 'stop';
  return reason === 'tool_call' ? 'tool_calls' : reason;
}

function numberAttribute(record: ModelCallRecord, key: string): number | null {
  const value = record.extraAttributes?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function readSampling(record: ModelCallRecord): XgrpoSampling {
  const topK = numberAttribute(record, SAMPLING_ATTRIBUTES.topK);
  const maxTokens = numberAttribute(record, SAMPLING_ATTRIBUTES.maxTokens);
  return {
    temperature: numberAttribute(record, SAMPLING_ATTRIBUTES.temperature),
    top_p: numberAttribute(record, SAMPLING_ATTRIBUTES.topP),
    top_k: topK !== null && Number.isInteger(topK) ? topK : null,
    max_tokens: maxTokens !== null && Number.isInteger(maxTokens) ? maxTokens : null,
  };
}

function intArray(value: unknown): number[] | undefined {
  return Array.isArray(value) && value.every((v) => Number.isInteger(v) && v >= 0)
    ? (value as number[])
    : undefined;
}

/** Token ids are all-or-nothing per call (§5): both id arrays must be present and well-formed. */
function readTokens(record: ModelCallRecord, where: string): XgrpoTokens | undefined {
  const extra = record.extraAttributes ?? {};
  const promptValue = extra[TOKEN_ATTRIBUTES.promptIds];
  const completionValue = extra[TOKEN_ATTRIBUTES.completionIds];
  if (promptValue === undefined && completionValue === undefined) return undefined;
  const prompt = intArray(promptValue);
  const completion = intArray(completionValue);
  const logprobs = extra[TOKEN_ATTRIBUTES.completionLogprobs] ?? null;
  const issues = [
    ...(prompt ? [] : [{ path: TOKEN_ATTRIBUTES.promptIds, message: 'must be an array of token ids' }]),
    ...(completion
      ? []
      : [{ path: TOKEN_ATTRIBUTES.completionIds, message: 'must be an array of token ids' }]),
    ...(logprobs === null ||
    (Array.isArray(logprobs) &&
      logprobs.length === completion?.length &&
      logprobs.every((v) => typeof v === 'number'))
      ? []
      : [{ path: TOKEN_ATTRIBUTES.completionLogprobs, message: 'must be numbers, one per completion id' }]),
  ];
  if (!prompt || !completion || issues.length > 0) throw new InputError('model call tokens', where, issues);
  const mode = extra[TOKEN_ATTRIBUTES.logprobsMode];
  return {
    extends: null,
    prompt_ids: prompt,
    completion_ids: completion,
    completion_logprobs: logprobs as number[] | null,
    logprobs_mode: mode === 'processed' || mode === 'raw' ? mode : null,
  };
}
