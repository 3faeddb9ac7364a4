/**
 * The episode-level fields of a trajectory, read from its `invoke_agent` span: our `harnessx.*`
 * attributes when the trace is ours, a best reading of the conventions' attributes and events
 * when it is not. Attributes we do not map are kept in `extraAttributes`.
 */
import type { ModelUsage } from '../providers/model.ts';
import { EXCEPTION_EVENT, eventAttributeName, GENAI, GENAI_EVENTS, HARNESSX } from './attribute-keys.ts';
import {
  booleanAttribute,
  firstNumberAttribute,
  firstStringAttribute,
  numberAttribute,
  scalarAttributeValue,
  spanNameSubject,
  stringAttribute,
} from './attribute-readers.ts';
import { TASK_VERIFIER_EVALUATION_NAME } from './otlp-types.ts';
import { setOwnProperty } from './otlp-values.ts';
import type { OtlpSpanRecord, SpanEventRecord } from './span-record.ts';
import type { EpisodeOutcome, Trajectory, TrajectoryEvent } from './trajectory.ts';

/** Everything of a trajectory except its turns. */
export type EpisodeFields = Omit<Trajectory, 'turns'>;

/** What the episode inherits from its model calls when its own span does not say. */
export interface EpisodeDefaults {
  provider: string;
  model: string;
  usage: ModelUsage & { costUsd: number };
}

const OUTCOMES = new Set<EpisodeOutcome>([
  'success',
  'failure',
  'budget-exhausted',
  'interrupted',
  'aborted',
  'error',
]);
const PASS_LABELS = /^(pass|passed|success|succeeded|solved|correct|true|yes)$/i;

/** Keys the episode fields are read from; everything else goes to `extraAttributes`. */
const MAPPED_KEYS = new Set<string>([
  GENAI.operationName,
  GENAI.providerName,
  GENAI.system,
  GENAI.agentName,
  GENAI.requestModel,
  GENAI.inputTokens,
  GENAI.outputTokens,
  GENAI.promptTokens,
  GENAI.completionTokens,
  GENAI.errorType,
  HARNESSX.harnessName,
  HARNESSX.harnessId,
  HARNESSX.taskId,
  HARNESSX.suite,
  HARNESSX.split,
  HARNESSX.seed,
  HARNESSX.outcome,
  HARNESSX.success,
  HARNESSX.reward,
  HARNESSX.costUsd,
]);

function isVerifierEvent(event: SpanEventRecord): boolean {
  return (
    event.name === GENAI_EVENTS.evaluationResult &&
    event.attributes.get(GENAI.evaluationName) === TASK_VERIFIER_EVALUATION_NAME
  );
}

function toTrajectoryEvent(event: SpanEventRecord): TrajectoryEvent {
  const out: TrajectoryEvent = { name: event.name, timeUnixNano: event.timeUnixNano, attributes: {} };
  for (const [key, value] of event.attributes) {
    if (key === HARNESSX.turnIndex && typeof value === 'number') out.turn = value;
    else setOwnProperty(out.attributes, eventAttributeName(key), scalarAttributeValue(value));
  }
  return out;
}

interface Verdict {
  outcome: EpisodeOutcome;
  success: boolean;
  reward: number;
}

/** For traces that are not ours: status and any evaluation event decide, else the run succeeded. */
function inferVerdict(span: OtlpSpanRecord): Verdict {
  const evaluation = span.events.find((event) => event.name === GENAI_EVENTS.evaluationResult);
  const label =
    evaluation === undefined ? undefined : stringAttribute(evaluation.attributes, GENAI.evaluationScoreLabel);
  const score =
    evaluation === undefined ? undefined : numberAttribute(evaluation.attributes, GENAI.evaluationScoreValue);
  const failedRun = span.status.code === 2 || span.attributes.has(GENAI.errorType);
  const success = !failedRun && (label === undefined || PASS_LABELS.test(label));
  const outcome: EpisodeOutcome = failedRun ? 'error' : success ? 'success' : 'failure';
  return { outcome, success, reward: score ?? (success ? 1 : 0) };
}

function verdictOf(span: OtlpSpanRecord): Verdict {
  const inferred = inferVerdict(span);
  const outcome = stringAttribute(span.attributes, HARNESSX.outcome);
  return {
    outcome: OUTCOMES.has(outcome as EpisodeOutcome) ? (outcome as EpisodeOutcome) : inferred.outcome,
    success: booleanAttribute(span.attributes, HARNESSX.success) ?? inferred.success,
    reward: numberAttribute(span.attributes, HARNESSX.reward) ?? inferred.reward,
  };
}

function errorOf(span: OtlpSpanRecord, exception: SpanEventRecord | undefined): Trajectory['error'] {
  const errorType = stringAttribute(span.attributes, GENAI.errorType);
  if (exception !== undefined) {
    return {
      type: stringAttribute(exception.attributes, EXCEPTION_EVENT.type) ?? errorType ?? '_OTHER',
      message: stringAttribute(exception.attributes, EXCEPTION_EVENT.message) ?? span.status.message ?? '',
    };
  }
  // Our own writer marks every unsuccessful outcome as an error status; only an exception event
  // means the episode carried an error of its own. Foreign spans have no such distinction.
  if (span.attributes.has(HARNESSX.outcome)) return undefined;
  if (span.status.code !== 2 && errorType === undefined) return undefined;
  return { type: errorType ?? '_OTHER', message: span.status.message ?? '' };
}

/** Reads the episode fields from an `invoke_agent` span. */
export function episodeFromAgentSpan(span: OtlpSpanRecord, defaults: EpisodeDefaults): EpisodeFields {
  const attributes = span.attributes;
  const exception = span.events.find((event) => event.name === EXCEPTION_EVENT.name);
  const verdict = verdictOf(span);
  const serviceName = span.resource?.attributes.get('service.name');
  const fields: EpisodeFields = {
    traceId: span.traceId,
    spanId: span.spanId,
    agentName:
      stringAttribute(attributes, GENAI.agentName) ??
      spanNameSubject(span.name, 'invoke_agent') ??
      (typeof serviceName === 'string' ? serviceName : ''),
    provider: firstStringAttribute(attributes, [GENAI.providerName, GENAI.system]) ?? defaults.provider,
    model: stringAttribute(attributes, GENAI.requestModel) ?? defaults.model,
    outcome: verdict.outcome,
    success: verdict.success,
    reward: verdict.reward,
    usage: {
      inputTokens:
        firstNumberAttribute(attributes, [GENAI.inputTokens, GENAI.promptTokens]) ??
        defaults.usage.inputTokens,
      outputTokens:
        firstNumberAttribute(attributes, [GENAI.outputTokens, GENAI.completionTokens]) ??
        defaults.usage.outputTokens,
      costUsd: numberAttribute(attributes, HARNESSX.costUsd) ?? defaults.usage.costUsd,
    },
    events: span.events
      .filter((event) => event !== exception && !isVerifierEvent(event))
      .map(toTrajectoryEvent),
    startTimeUnixNano: span.startTimeUnixNano,
    endTimeUnixNano: span.endTimeUnixNano,
    extraAttributes: {},
  };
  const harnessName = stringAttribute(attributes, HARNESSX.harnessName);
  const harnessId = stringAttribute(attributes, HARNESSX.harnessId);
  if (harnessName !== undefined || harnessId !== undefined) {
    fields.harness = { name: harnessName ?? '', contentId: harnessId ?? '' };
  }
  const taskId = stringAttribute(attributes, HARNESSX.taskId);
  if (taskId !== undefined) fields.taskId = taskId;
  const suite = stringAttribute(attributes, HARNESSX.suite);
  if (suite !== undefined) fields.suite = suite;
  const split = stringAttribute(attributes, HARNESSX.split);
  if (split !== undefined) fields.split = split;
  const seed = numberAttribute(attributes, HARNESSX.seed);
  if (seed !== undefined) fields.seed = seed;
  const error = errorOf(span, exception);
  if (error !== undefined) fields.error = error;
  for (const [key, value] of attributes) {
    if (!MAPPED_KEYS.has(key)) setOwnProperty(fields.extraAttributes, key, value);
  }
  return fields;
}
