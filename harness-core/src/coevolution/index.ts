/**
 * Co-evolution: the cross-harness GRPO dataset builder and its replay buffer (DESIGN §7, spec
 * `cross-harness-grpo.md`). Traces in, `groups.jsonl` + `manifest.json` out.
 */

export type { AdvantageResult, GroupStats, GroupVerdict, KeptGroupInput } from './advantages.ts';
export { computeAdvantages, judgeGroup } from './advantages.ts';
export type { BehaviourLogprobs, MissingLogprobsReason } from './behaviour-logprobs.ts';
export { BEHAVIOUR_LOGPROBS_SCHEMA_ID, missingLogprobsReason } from './behaviour-logprobs.ts';
export type { BuildOptions, GroupDataset } from './build-dataset.ts';
export {
  buildGroupDataset,
  buildGroupDatasetFromCandidates,
  candidatesFromTraces,
  groupId,
} from './build-dataset.ts';
export type {
  AdvantageConfig,
  AdvantageConfigInput,
  FilterConfig,
  FilterConfigInput,
  GroupDropReason,
  TrajectoryExclusionReason,
} from './config.ts';
export {
  GROUP_DROP_REASONS,
  parseAdvantageConfig,
  parseFilterConfig,
  TRAJECTORY_EXCLUSION_REASONS,
} from './config.ts';
export { expandContexts, expandPromptIds } from './context-deltas.ts';
export type { StoredGroupDataset } from './dataset-io.ts';
export {
  datasetKeys,
  parseGroupRecord,
  parseGroupsJsonl,
  parseManifest,
  readGroupDataset,
  serializeManifest,
  writeGroupDataset,
} from './dataset-io.ts';
export type {
  RewardSpec,
  XgrpoCall,
  XgrpoGroupRecord,
  XgrpoMessage,
  XgrpoPolicy,
  XgrpoTrajectory,
} from './group-record-schema.ts';
export { GROUP_RECORD_SCHEMA_ID, groupRecordSchema } from './group-record-schema.ts';
export type { XgrpoManifest } from './manifest-schema.ts';
export { BUILDER_VERSION, MANIFEST_SCHEMA_ID, manifestSchema } from './manifest-schema.ts';
export type { PolicyDescriptor } from './policy.ts';
export { basePolicy, policyId, policyRecord } from './policy.ts';
export type { ReplayBufferEntry, ReplayBufferIndex } from './replay-buffer.ts';
export {
  DEFAULT_REPLAY_CAPACITY,
  REPLAY_BUFFER_KEY,
  REPLAY_BUFFER_SCHEMA_ID,
  ReplayBuffer,
} from './replay-buffer.ts';
export type { CandidateStatus, MappingOptions, TrajectoryCandidate } from './trajectory-mapping.ts';
export { candidateFromTrajectory, DEFAULT_REWARD_SPEC, TOKEN_ATTRIBUTES } from './trajectory-mapping.ts';
