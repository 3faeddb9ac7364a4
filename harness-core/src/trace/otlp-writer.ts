/**
 * Trajectories → canonical OTLP/JSON in the GenAI semantic conventions (v1.41): one
 * `invoke_agent <agent>` span per episode, a `chat <model>` span per model call (or the call's own
 * operation, e.g. `text_completion <model>`) and an `execute_tool <name>` span per tool call, both
 * children of the episode span, each with the record's extra attributes written back. What this writes
 * passes the conventions' validator with 0 errors, and `readOtlpDocument` maps it back to the
 * same trajectories (see `withAssignedSpanIds`).
 */
import { EXCEPTION_EVENT, eventAttributeKey, GENAI, GENAI_EVENTS, HARNESSX } from './attribute-keys.ts';
import { modelSpanAttributes, TOOL_SPAN_ATTRIBUTES, writeExtraAttributes } from './call-span-attributes.ts';
import { toGenAiInputMessages, toGenAiOutputMessages, toGenAiToolDefinitions } from './genai-messages.ts';
import { OtlpAttributeList } from './otlp-attribute-list.ts';
import {
  HARNESSX_SCOPE_NAME,
  HARNESSX_SERVICE_NAME,
  type OtlpExportRequest,
  type OtlpSpan,
  type OtlpSpanEvent,
  type OtlpStatus,
  SPAN_KIND_CLIENT,
  SPAN_KIND_INTERNAL,
  STATUS_CODE_ERROR,
  TASK_VERIFIER_EVALUATION_NAME,
} from './otlp-types.ts';
import { redactTrajectory } from './redact-trajectory.ts';
import { createRedactor, type Redactor } from './redaction.ts';
import { agentSpanRole, modelSpanRole, spanIdFor, toolSpanRole, traceIdFor } from './span-ids.ts';
import type { ModelCallRecord, ToolCallRecord, Trajectory, TrajectoryEvent } from './trajectory.ts';

export interface TrajectoriesToOtlpOptions {
  /** Scrubs secrets from every string written. Default: `createRedactor()`; `false` turns it off. */
  redactor?: Redactor | false;
  /** `service.name` resource attribute. Default `harnessx`. */
  serviceName?: string;
  /**
   * Record message content, tool definitions and tool arguments/results (opt-in content in the
   * conventions). Default `true`; without it the trace keeps only metadata and usage.
   */
  recordContent?: boolean;
}

interface SpanContext {
  traceId: string;
  parentSpanId: string;
  recordContent: boolean;
}

const UNSET_STATUS: OtlpStatus = {};

function errorStatus(message: string | undefined): OtlpStatus {
  return message === undefined ? { code: STATUS_CODE_ERROR } : { code: STATUS_CODE_ERROR, message };
}

function spanName(operation: string, subject: string): string {
  return subject === '' ? operation : `${operation} ${subject}`;
}

function nanos(value: string): string {
  return /^\d+$/.test(value) ? value : '0';
}

function trajectoryEventToSpanEvent(event: TrajectoryEvent): OtlpSpanEvent {
  const attributes = new OtlpAttributeList();
  attributes.int(HARNESSX.turnIndex, event.turn);
  for (const key of Object.keys(event.attributes))
    attributes.value(eventAttributeKey(key), event.attributes[key]);
  return { timeUnixNano: nanos(event.timeUnixNano), name: event.name, attributes: attributes.entries };
}

function episodeEvents(trajectory: Trajectory): OtlpSpanEvent[] {
  const events = trajectory.events.map(trajectoryEventToSpanEvent);
  const end = nanos(trajectory.endTimeUnixNano);
  if (trajectory.error !== undefined) {
    const exception = new OtlpAttributeList()
      .string(EXCEPTION_EVENT.type, trajectory.error.type)
      .string(EXCEPTION_EVENT.message, trajectory.error.message);
    events.push({ timeUnixNano: end, name: EXCEPTION_EVENT.name, attributes: exception.entries });
  }
  const evaluation = new OtlpAttributeList()
    .string(GENAI.evaluationName, TASK_VERIFIER_EVALUATION_NAME)
    .double(GENAI.evaluationScoreValue, trajectory.reward)
    .string(GENAI.evaluationScoreLabel, trajectory.success ? 'pass' : 'fail');
  events.push({ timeUnixNano: end, name: GENAI_EVENTS.evaluationResult, attributes: evaluation.entries });
  return events;
}

function agentSpan(trajectory: Trajectory, traceId: string, spanId: string): OtlpSpan {
  const attributes = new OtlpAttributeList()
    .string(GENAI.operationName, 'invoke_agent')
    .string(GENAI.providerName, trajectory.provider)
    .string(GENAI.agentName, trajectory.agentName)
    .string(GENAI.requestModel, trajectory.model)
    .int(GENAI.inputTokens, trajectory.usage.inputTokens)
    .int(GENAI.outputTokens, trajectory.usage.outputTokens)
    .string(HARNESSX.harnessName, trajectory.harness?.name)
    .string(HARNESSX.harnessId, trajectory.harness?.contentId)
    .string(HARNESSX.taskId, trajectory.taskId)
    .string(HARNESSX.suite, trajectory.suite)
    .string(HARNESSX.split, trajectory.split)
    .value(HARNESSX.seed, trajectory.seed)
    .string(HARNESSX.outcome, trajectory.outcome)
    .bool(HARNESSX.success, trajectory.success)
    .double(HARNESSX.reward, trajectory.reward)
    .double(HARNESSX.costUsd, trajectory.usage.costUsd);
  // An episode that did not succeed ended in an error from the caller's point of view: the
  // conventions then ask for status ERROR and an `error.type`, here the error's or the outcome.
  const failed = trajectory.error !== undefined || trajectory.outcome !== 'success';
  if (failed) attributes.string(GENAI.errorType, trajectory.error?.type ?? trajectory.outcome);
  for (const key of Object.keys(trajectory.extraAttributes)) {
    if (!attributes.has(key)) attributes.value(key, trajectory.extraAttributes[key]);
  }
  return {
    traceId,
    spanId,
    name: spanName('invoke_agent', trajectory.agentName),
    kind: SPAN_KIND_INTERNAL,
    startTimeUnixNano: nanos(trajectory.startTimeUnixNano),
    endTimeUnixNano: nanos(trajectory.endTimeUnixNano),
    attributes: attributes.entries,
    events: episodeEvents(trajectory),
    status: failed ? errorStatus(trajectory.error?.message) : UNSET_STATUS,
  };
}

function modelSpan(call: ModelCallRecord, turnIndex: number, spanId: string, context: SpanContext): OtlpSpan {
  const operation = call.operationName ?? 'chat';
  const attributes = new OtlpAttributeList()
    .string(GENAI.operationName, operation)
    .string(GENAI.providerName, call.provider)
    .string(GENAI.requestModel, call.model)
    .string(GENAI.responseModel, call.responseModel)
    .int(GENAI.inputTokens, call.usage.inputTokens)
    .int(GENAI.outputTokens, call.usage.outputTokens)
    .int(HARNESSX.turnIndex, turnIndex)
    .double(HARNESSX.costUsd, call.costUsd);
  if (call.output !== null) attributes.strings(GENAI.finishReasons, [call.output.finishReason]);
  if (call.error !== undefined) attributes.string(GENAI.errorType, call.error.type);
  if (context.recordContent) {
    attributes.json(GENAI.inputMessages, toGenAiInputMessages(call.inputMessages));
    if (call.output !== null) attributes.json(GENAI.outputMessages, toGenAiOutputMessages(call.output));
    if (call.tools !== undefined) attributes.json(GENAI.toolDefinitions, toGenAiToolDefinitions(call.tools));
  }
  writeExtraAttributes(attributes, call.extraAttributes, modelSpanAttributes(call.provider));
  return {
    traceId: context.traceId,
    spanId,
    parentSpanId: context.parentSpanId,
    name: spanName(operation, call.model),
    kind: SPAN_KIND_CLIENT,
    startTimeUnixNano: nanos(call.startTimeUnixNano),
    endTimeUnixNano: nanos(call.endTimeUnixNano),
    attributes: attributes.entries,
    status: call.error === undefined ? UNSET_STATUS : errorStatus(call.error.message),
  };
}

function toolSpan(call: ToolCallRecord, turnIndex: number, spanId: string, context: SpanContext): OtlpSpan {
  const attributes = new OtlpAttributeList()
    .string(GENAI.operationName, 'execute_tool')
    .string(GENAI.toolName, call.name)
    .string(GENAI.toolCallId, call.callId)
    .string(HARNESSX.toolResultSource, call.resultSource)
    .bool(HARNESSX.toolIsError, call.isError)
    .int(HARNESSX.turnIndex, turnIndex);
  if (call.error !== undefined) attributes.string(GENAI.errorType, call.error.type);
  if (context.recordContent) {
    attributes.string(GENAI.toolCallArguments, call.arguments).string(GENAI.toolCallResult, call.result);
  }
  // `gen_ai.tool.type` is `function` unless a foreign span said otherwise (kept in the extras).
  writeExtraAttributes(attributes, call.extraAttributes, TOOL_SPAN_ATTRIBUTES);
  return {
    traceId: context.traceId,
    spanId,
    parentSpanId: context.parentSpanId,
    name: spanName('execute_tool', call.name),
    kind: SPAN_KIND_INTERNAL,
    startTimeUnixNano: nanos(call.startTimeUnixNano),
    endTimeUnixNano: nanos(call.endTimeUnixNano),
    attributes: attributes.entries,
    status: call.error === undefined ? UNSET_STATUS : errorStatus(call.error.message),
  };
}

/** The spans of one episode, episode span first, then each turn's model call and tool calls. */
export function trajectoryToSpans(trajectory: Trajectory, recordContent = true): OtlpSpan[] {
  const traceId = traceIdFor(trajectory);
  const agentSpanId = spanIdFor(traceId, trajectory.spanId, agentSpanRole());
  const context: SpanContext = { traceId, parentSpanId: agentSpanId, recordContent };
  const spans = [agentSpan(trajectory, traceId, agentSpanId)];
  trajectory.turns.forEach((turn, turnPosition) => {
    const modelSpanId = spanIdFor(traceId, turn.modelCall.spanId, modelSpanRole(turnPosition));
    spans.push(modelSpan(turn.modelCall, turn.index, modelSpanId, context));
    turn.toolCalls.forEach((call, toolPosition) => {
      const toolSpanId = spanIdFor(traceId, call.spanId, toolSpanRole(turnPosition, toolPosition));
      spans.push(toolSpan(call, turn.index, toolSpanId, context));
    });
  });
  return spans;
}

/**
 * Serialises trajectories as one OTLP `ExportTraceServiceRequest` (protojson).
 *
 * @example
 * const request = trajectoriesToOtlp(trajectories);
 * await writeFile('episodes.otlp.json', JSON.stringify(request));
 */
export function trajectoriesToOtlp(
  trajectories: readonly Trajectory[],
  options: TrajectoriesToOtlpOptions = {},
): OtlpExportRequest {
  const redactor = options.redactor === false ? undefined : (options.redactor ?? createRedactor());
  const recordContent = options.recordContent ?? true;
  const spans: OtlpSpan[] = [];
  for (const trajectory of trajectories) {
    const scrubbed = redactor === undefined ? trajectory : redactTrajectory(trajectory, redactor);
    for (const span of trajectoryToSpans(scrubbed, recordContent)) spans.push(span);
  }
  const serviceName = options.serviceName ?? HARNESSX_SERVICE_NAME;
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: serviceName } }] },
        scopeSpans: [{ scope: { name: HARNESSX_SCOPE_NAME }, spans }],
      },
    ],
  };
}
