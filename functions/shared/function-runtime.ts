/**
 * What every function builds once, at module scope, from its environment: the parsed variables,
 * Powertools' logger, metrics and tracer, the foundry's ports, and the model-credential reader.
 * A missing or bad variable fails here, when the module loads, naming the variable, instead of
 * on the first message.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { DistributedFoundry } from '@harnessx/core';
import { createAwsFoundry, parseFunctionEnv } from '@harnessx/core/aws';
import type { FunctionEnvRecord } from './aws-client-config.ts';
import { createSecretReader, loadModelEnv, type SecretReader } from './model-credentials.ts';

export type ParsedFunctionEnv = ReturnType<typeof parseFunctionEnv>;

/** CloudWatch namespace of every function's metrics. */
export const METRICS_NAMESPACE = 'HarnessX';

export interface FunctionRuntimeOptions {
  functionName: string;
  env?: FunctionEnvRecord;
  /** Ports to use instead of the AWS ones the environment names (tests, the local stack). */
  foundry?: DistributedFoundry;
  /** Reads the model secret; by default Powertools' cached `getSecret` (see model-credentials.ts). */
  readSecret?: SecretReader;
}

export interface FunctionRuntime {
  functionName: string;
  rawEnv: FunctionEnvRecord;
  env: ParsedFunctionEnv;
  logger: Logger;
  metrics: Metrics;
  tracer: Tracer;
  /** The foundry for one invocation: the ports, plus model credentials when a secret is configured. */
  foundryForInvocation(): Promise<DistributedFoundry>;
}

export function createFunctionRuntime(options: FunctionRuntimeOptions): FunctionRuntime {
  const { functionName } = options;
  const rawEnv = options.env ?? process.env;
  const env = parseFunctionEnv(rawEnv);
  const logger = new Logger({ serviceName: functionName });
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: functionName });
  const tracer = new Tracer({ serviceName: functionName });
  const ports = options.foundry ?? createAwsFoundry(env);
  const modelSecret = env.modelSecret;
  const readSecret = modelSecret ? (options.readSecret ?? createSecretReader(rawEnv)) : undefined;
  const emit: NonNullable<DistributedFoundry['emit']> = (event) => {
    if (event.type === 'progress') logger.debug('cycle progress', { event });
    else logger.info('cycle event', { event });
  };
  return {
    functionName,
    rawEnv,
    env,
    logger,
    metrics,
    tracer,
    async foundryForInvocation() {
      const foundry: DistributedFoundry = { emit, ...ports };
      if (modelSecret && readSecret) foundry.modelEnv = await loadModelEnv(modelSecret, readSecret);
      return foundry;
    },
  };
}
