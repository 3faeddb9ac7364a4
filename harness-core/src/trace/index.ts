/**
 * Traces: trajectories written as OTLP/JSON in the GenAI semantic conventions, read back (ours
 * and other tools'), redacted, and inspected.
 */

export type { InspectTraceFilesOptions, TraceFileInspection, TraceInspection } from './inspect.ts';
export { formatTraceInspection, inspectTraceFiles } from './inspect.ts';
export type { ReadTraceFileOptions } from './otlp-reader.ts';
export {
  DEFAULT_STREAM_THRESHOLD_BYTES,
  readOtlpDocument,
  readOtlpText,
  readTraceBytes,
  readTraceFile,
} from './otlp-reader.ts';
export type { ReadTraceStreamOptions } from './otlp-stream.ts';
export { readTraceFileStream } from './otlp-stream.ts';
export type {
  OtlpAnyValue,
  OtlpExportRequest,
  OtlpKeyValue,
  OtlpResourceSpans,
  OtlpScopeSpans,
  OtlpSpan,
  OtlpSpanEvent,
  OtlpStatus,
} from './otlp-types.ts';

export type { TrajectoriesToOtlpOptions } from './otlp-writer.ts';
export { trajectoriesToOtlp, trajectoryToSpans } from './otlp-writer.ts';
export { redactTrajectory } from './redact-trajectory.ts';
export type { Redactor, RedactorOptions } from './redaction.ts';
export {
  createRedactor,
  DEFAULT_REDACTION_PATTERNS,
  DEFAULT_REDACTION_REPLACEMENT,
  NO_REDACTION,
} from './redaction.ts';
export { withAssignedSpanIds } from './span-ids.ts';
export type { TraceReadIssue } from './span-record.ts';
export type { UnmappedSpan } from './trace-assembler.ts';
export type { WriteTraceFileOptions, WriteTraceFileResult } from './trace-file.ts';
export { writeTraceFile } from './trace-file.ts';
export type { ReadTraceResult } from './trace-read-session.ts';

export type {
  EpisodeOutcome,
  InferenceOperation,
  ModelCallRecord,
  ToolCallRecord,
  Trajectory,
  TrajectoryEvent,
  Turn,
} from './trajectory.ts';
