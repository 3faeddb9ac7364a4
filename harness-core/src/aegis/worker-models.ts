/**
 * Composition of the worker model: the harness `models.worker` block, overridden by environment
 * variables, built by the provider adapters, with `simulated` (the test double standing in for a
 * small open model) added here, at composition, so the providers never know about a double; it is
 * used only when a project or harness names `provider: simulated`, and every report says so.
 */
import type { ModelConfig } from '../harness/spec.ts';
import { createModelFromConfig, resolveWorkerModelConfig } from '../providers/config.ts';
import type { ModelV1 } from '../providers/model.ts';
import { createSimulatedWorkerModel } from '../testing/simulated-worker/index.ts';
import { readTraceFile } from '../trace/otlp-reader.ts';

export interface WorkerModels {
  model: ModelV1;
  fallbackModel?: ModelV1;
  simulated: boolean;
  description: string;
}

/**
 * The double's options come from the model block (a co-evolution round trains them); its model id is
 * the block's `model`, so every trained version is cached and reported under its own id.
 */
const simulatedFactory = (config: ModelConfig) =>
  createSimulatedWorkerModel({ ...config.options, modelId: config.model });

const readTrajectories = async (path: string) => (await readTraceFile(path)).trajectories;

export function createWorkerModels(
  worker: ModelConfig & { fallback?: ModelConfig },
  env: NodeJS.ProcessEnv = process.env,
  source = 'harness spec',
): WorkerModels {
  const config = resolveWorkerModelConfig(worker, env);
  const extra = { simulated: simulatedFactory };
  const model = createModelFromConfig(config, env, extra, {
    path: 'models.worker',
    source,
    readTrajectories,
  });
  const fallbackModel = worker.fallback
    ? createModelFromConfig(worker.fallback, env, extra, {
        path: 'models.worker.fallback',
        source,
        readTrajectories,
      })
    : undefined;
  const simulated = config.provider === 'simulated';
  return {
    model,
    ...(fallbackModel ? { fallbackModel } : {}),
    simulated,
    description: `${config.provider}:${config.model}`,
  };
}

export const SIMULATED_MODEL_NOTICE = [
  'Worker model: SIMULATED (harnessx-sim-small) - a seeded test double that behaves like a small open model.',
  'No API key or network is used. To run a real model, point the worker at any OpenAI-compatible endpoint:',
  '  HARNESSX_WORKER_PROVIDER=openai-compatible HARNESSX_WORKER_BASE_URL=http://localhost:8000/v1 \\',
  '  HARNESSX_WORKER_MODEL=<model id> OPENAI_API_KEY=<key> npx harnessx run ...',
  '(or HARNESSX_WORKER_PROVIDER=bedrock HARNESSX_WORKER_MODEL=<bedrock model id> with AWS credentials).',
].join('\n');
