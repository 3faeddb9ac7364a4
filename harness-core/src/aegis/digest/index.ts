/**
 * The Digest stage: traces in, `harnessx.digest/2` out. Deterministic analysers locate each failed
 * episode's failure class, turn, tool or processor and evidence; failures are clustered per batch
 * with an actionability score; an optional meta-model pass refines the top clusters.
 */
export { actionability, FIXABILITY_PRIORS, locality } from './actionability.ts';
export type { AnalyseTrajectoryOptions, TrajectoryAnalysis } from './analyse-trajectory.ts';
export { analyseTrajectory, FAILURE_ANALYSERS, findFailures, UNKNOWN_TASK_ID } from './analyse-trajectory.ts';
export type { AnalysedFailure } from './cluster-failures.ts';
export { CLUSTER_EVIDENCE, clusterFailures, MIN_TOOL_CLUSTER_SIZE } from './cluster-failures.ts';
export type { DigestBuilder } from './digest-builder.ts';
export { createDigestBuilder } from './digest-builder.ts';
export type { DigestOptions, ResolvedDigestOptions } from './digest-options.ts';
export {
  DEFAULT_FAILURE_PATTERNS,
  digestOptionsSchema,
  FINISH_LIKE_TOOL_NAMES,
  parseDigestOptions,
} from './digest-options.ts';
export type {
  DigestTraceFilesOptions,
  DigestTraceFilesResult,
  SkippedTraceInput,
} from './digest-trace-files.ts';
export { digestTraceFiles } from './digest-trace-files.ts';
export { digestTrajectories } from './digest-trajectories.ts';
export type { FailureAnalyser, FailureFinding } from './failure-finding.ts';
export { MIN_WASTED_STEPS } from './failure-finding.ts';
export { FAILURE_PRECEDENCE, pickByPrecedence } from './failure-precedence.ts';
export type { RefineDigestClustersOptions, RefineDigestClustersResult } from './refine-digest-clusters.ts';
export { refineDigestClusters } from './refine-digest-clusters.ts';
export { ARGUMENT_ERROR_PATTERNS, actionKey } from './tool-call-signals.ts';
