/** λ train-launch: one `train` message per published cycle; starts a SageMaker GRPO job when enough groups wait. */
import { launchTraining } from '@harnessx/core';
import { createSageMakerTrainingBackend, parseFunctionEnv } from '@harnessx/core/aws';
import { createStageHandler } from '../shared/create-stage-handler.ts';

const env = parseFunctionEnv(process.env);
const backend = createSageMakerTrainingBackend({ region: env.region });

export const handler = createStageHandler({
  functionName: 'train-launch',
  run: (foundry, message) =>
    launchTraining(foundry, message, {
      backend,
      bucket: env.bucket,
      region: env.region,
      ...(env.training ? { training: env.training } : {}),
    }),
});
