/** The pipeline stage a function serves, from the shared topology (harness-core's foundry-topology). */
import { PIPELINE_STAGES, type PipelineStageDefinition, SystemError } from '@harnessx/core';

/** The stage whose folder under functions/ is `functionName`; a SystemError for any other name. */
export function stageDefinition(functionName: string): PipelineStageDefinition {
  const stage = PIPELINE_STAGES.find((candidate) => candidate.functionName === functionName);
  if (!stage) {
    const known = PIPELINE_STAGES.map((candidate) => candidate.functionName).join(', ');
    throw new SystemError(`no pipeline stage runs a function named "${functionName}" (known: ${known})`);
  }
  return stage;
}
