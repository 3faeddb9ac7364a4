/**
 * Models from configuration: the harness `models` block (`{ provider, model, options }`) plus
 * environment variables, so that any harness can be pointed at a real endpoint without editing it.
 */
import type { z } from 'zod';
import { InputError, type InputIssue, SystemError } from '../errors.ts';
import type { ModelConfig } from '../harness/spec.ts';
import { formatIssuePath } from '../schema.ts';
import type { Trajectory } from '../trace/trajectory.ts';
import { createBedrockConverseModel } from './bedrock-converse.ts';
import {
  bedrockConfigOptionsSchema,
  DEFAULT_API_KEY_ENV,
  openAICompatibleConfigOptionsSchema,
  replayConfigOptionsSchema,
  SECRET_HEADER_NAMES,
  SECRET_OPTION_ADVICE,
} from './config-schemas.ts';
import type { FetchFunction } from './http-transport.ts';
import type { GenerateRequest, GenerateResult, ModelV1 } from './model.ts';
import { createOpenAICompatibleModel } from './openai-compatible.ts';
import { createReplayModel } from './replay.ts';
import type { SleepFunction } from './retry.ts';

export type ModelEnvironment = Readonly<Record<string, string | undefined>>;

/** Builds a model for a provider the core does not know (e.g. the CLI's `simulated`). */
export type ModelFactory = (config: ModelConfig, env: ModelEnvironment) => ModelV1;

export interface ModelConfigContext {
  /** Where the block sits in the harness document, for error paths. Default `models.worker`. */
  path?: string;
  /** Where the block came from, e.g. the harness file. Default `harness models block`. */
  source?: string;
  /** Reads a trace file for `replay`; the trace reader lives above this layer, so the caller wires it. */
  readTrajectories?: (traceFile: string) => Promise<Trajectory[]>;
  /** Passed to HTTP adapters (tests, proxies). */
  fetch?: FetchFunction;
  sleep?: SleepFunction;
}

/** The built-in provider names a `models` block may use. */
export const BUILTIN_MODEL_PROVIDERS = ['bedrock', 'openai-compatible', 'replay'] as const;

const ENTITY = 'model configuration';

/**
 * Creates the model a `models` entry describes. Factories in `extraFactories` are looked up first.
 * @throws InputError for an unknown provider (listing the known ones) or bad options (path
 *   `models.worker.options.<key>`), and for a literal secret in the options.
 * @example
 * const worker = createModelFromConfig(resolveWorkerModelConfig(spec.models.worker), process.env, {
 *   simulated: (config) => new SimulatedWorkerModel(config),
 * });
 */
export function createModelFromConfig(
  config: ModelConfig,
  env: ModelEnvironment = process.env,
  extraFactories: Record<string, ModelFactory> = {},
  context: ModelConfigContext = {},
): ModelV1 {
  const path = context.path ?? 'models.worker';
  const source = context.source ?? 'harness models block';
  const extra = Object.hasOwn(extraFactories, config.provider) ? extraFactories[config.provider] : undefined;
  if (extra !== undefined) return extra(config, env);
  const optionsPath = `${path}.options`;
  const options = config.options ?? {};
  rejectSecrets(config.provider, options, optionsPath, source);
  switch (config.provider) {
    case 'openai-compatible': {
      const parsed = parseOptions(openAICompatibleConfigOptionsSchema, options, optionsPath, source);
      const { apiKeyEnv, providerName, ...rest } = parsed;
      const keyVariable = apiKeyEnv ?? DEFAULT_API_KEY_ENV;
      const apiKey = nonEmpty(env[keyVariable]);
      // A variable the user named explicitly must exist; the default one is optional (local servers).
      if (apiKey === undefined && apiKeyEnv !== undefined) {
        throw new InputError(ENTITY, source, [
          { path: `${optionsPath}.apiKeyEnv`, message: `environment variable ${apiKeyEnv} is not set` },
        ]);
      }
      return createOpenAICompatibleModel({
        ...rest,
        model: config.model,
        ...(providerName === undefined ? {} : { providerName }),
        ...(apiKey === undefined ? {} : { apiKey }),
        ...injected(context),
      });
    }
    case 'bedrock': {
      const parsed = parseOptions(bedrockConfigOptionsSchema, options, optionsPath, source);
      const region = parsed.region ?? nonEmpty(env['AWS_REGION']) ?? nonEmpty(env['AWS_DEFAULT_REGION']);
      const issues: InputIssue[] = [];
      if (region === undefined)
        issues.push({ path: `${optionsPath}.region`, message: 'no AWS region: set region or AWS_REGION' });
      if (
        nonEmpty(env['AWS_ACCESS_KEY_ID']) === undefined ||
        nonEmpty(env['AWS_SECRET_ACCESS_KEY']) === undefined
      )
        issues.push({
          path: path,
          message:
            'bedrock needs AWS credentials in the environment: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
        });
      if (issues.length > 0) throw new InputError(ENTITY, source, issues);
      return createBedrockConverseModel({
        ...parsed,
        region,
        modelId: config.model,
        env: { ...env },
        ...injected(context),
      });
    }
    case 'replay': {
      const parsed = parseOptions(replayConfigOptionsSchema, options, optionsPath, source);
      if (context.readTrajectories === undefined) {
        throw new SystemError(
          'the replay provider needs a trace reader: pass readTrajectories in the model config context',
          { code: 'MODEL_CONFIG_UNWIRED' },
        );
      }
      return new LazyReplayModel(parsed.traceFile, parsed.strict, config.model, context.readTrajectories);
    }
    default: {
      const known = [...new Set([...BUILTIN_MODEL_PROVIDERS, ...Object.keys(extraFactories)])].sort();
      throw new InputError(ENTITY, source, [
        {
          path: `${path}.provider`,
          message: `unknown provider "${config.provider}"; known: ${known.join(', ')}`,
        },
      ]);
    }
  }
}

/** Environment variables that override the harness's worker model. */
export const WORKER_MODEL_ENV = {
  provider: 'HARNESSX_WORKER_PROVIDER',
  model: 'HARNESSX_WORKER_MODEL',
  baseUrl: 'HARNESSX_WORKER_BASE_URL',
  apiKeyEnv: 'HARNESSX_WORKER_API_KEY_ENV',
} as const;

/**
 * Applies the `HARNESSX_WORKER_*` overrides to the harness's worker entry (empty values count as
 * unset). A base URL alone switches the worker to `openai-compatible`. When the provider changes,
 * the harness's options (which belong to the old provider) are dropped and `HARNESSX_WORKER_MODEL`
 * is required, since the old model id means nothing to the new provider.
 * @throws InputError naming the environment variable at fault.
 * @example
 * // HARNESSX_WORKER_BASE_URL=http://localhost:8000/v1 HARNESSX_WORKER_MODEL=Qwen/Qwen3-8B harnessx run …
 * const worker = resolveWorkerModelConfig(spec.models.worker, process.env);
 */
export function resolveWorkerModelConfig<T extends ModelConfig>(
  specWorker: T,
  env: ModelEnvironment = process.env,
): T {
  const providerOverride = nonEmpty(env[WORKER_MODEL_ENV.provider]);
  const modelOverride = nonEmpty(env[WORKER_MODEL_ENV.model]);
  const baseUrl = nonEmpty(env[WORKER_MODEL_ENV.baseUrl]);
  const apiKeyEnv = nonEmpty(env[WORKER_MODEL_ENV.apiKeyEnv]);
  const provider = providerOverride ?? (baseUrl !== undefined ? 'openai-compatible' : specWorker.provider);
  const providerChanged = provider !== specWorker.provider;
  const source = 'environment (HARNESSX_WORKER_*)';
  const issues: InputIssue[] = [];
  if (providerChanged && modelOverride === undefined) {
    issues.push({
      path: WORKER_MODEL_ENV.model,
      message: `required when the worker provider changes from "${specWorker.provider}" to "${provider}"`,
    });
  }
  if (providerChanged && provider === 'openai-compatible' && baseUrl === undefined) {
    issues.push({
      path: WORKER_MODEL_ENV.baseUrl,
      message: `required when the worker provider changes from "${specWorker.provider}" to "openai-compatible"`,
    });
  }
  if (provider !== 'openai-compatible') {
    if (baseUrl !== undefined)
      issues.push({
        path: WORKER_MODEL_ENV.baseUrl,
        message: `applies to openai-compatible, not "${provider}"`,
      });
    if (apiKeyEnv !== undefined)
      issues.push({
        path: WORKER_MODEL_ENV.apiKeyEnv,
        message: `applies to openai-compatible, not "${provider}"`,
      });
  }
  if (issues.length > 0) throw new InputError('worker model override', source, issues);
  const options: Record<string, unknown> = providerChanged ? {} : { ...specWorker.options };
  if (baseUrl !== undefined) options['baseUrl'] = baseUrl;
  if (apiKeyEnv !== undefined) options['apiKeyEnv'] = apiKeyEnv;
  return { ...specWorker, provider, model: modelOverride ?? specWorker.model, options };
}

function rejectSecrets(
  provider: string,
  options: Record<string, unknown>,
  optionsPath: string,
  source: string,
): void {
  const issues: InputIssue[] = [];
  const advice = SECRET_OPTION_ADVICE[provider] ?? {};
  for (const [key, message] of Object.entries(advice)) {
    if (Object.hasOwn(options, key)) issues.push({ path: `${optionsPath}.${key}`, message });
  }
  const headers = options['headers'];
  if (headers !== null && typeof headers === 'object') {
    for (const name of Object.keys(headers)) {
      if (SECRET_HEADER_NAMES.has(name.toLowerCase())) {
        issues.push({
          path: `${optionsPath}.headers.${name}`,
          message:
            'credentials do not belong in a harness file: use apiKeyEnv to name the variable holding the key',
        });
      }
    }
  }
  if (issues.length > 0) throw new InputError(ENTITY, source, issues);
}

/** Parses provider options, reporting each unknown key at its own path with the allowed keys. */
function parseOptions<S extends z.ZodObject>(
  schema: S,
  options: Record<string, unknown>,
  optionsPath: string,
  source: string,
): z.output<S> {
  const result = schema.safeParse(options);
  if (result.success) return result.data;
  const allowed = Object.keys(schema.shape).sort().join(', ');
  const issues: InputIssue[] = [];
  for (const issue of result.error.issues) {
    const at = [optionsPath, formatIssuePath(issue.path)].filter((part) => part !== '').join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        issues.push({ path: `${at}.${key}`, message: `unknown option; expected one of: ${allowed}` });
    } else {
      issues.push({ path: at.replace(/\.\[/g, '['), message: issue.message });
    }
  }
  throw new InputError(ENTITY, source, issues);
}

function injected(context: ModelConfigContext): { fetch?: FetchFunction; sleep?: SleepFunction } {
  return {
    ...(context.fetch === undefined ? {} : { fetch: context.fetch }),
    ...(context.sleep === undefined ? {} : { sleep: context.sleep }),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * Replay configured by file: configuration is synchronous but reading a trace is not, so the file
 * is read on the first call. Until then the ids are `replay` and the configured model id.
 */
class LazyReplayModel implements ModelV1 {
  readonly specificationVersion = 'v1' as const;
  #provider = 'replay';
  #modelId: string;
  #loading: Promise<ModelV1> | undefined;
  readonly #load: () => Promise<ModelV1>;

  constructor(
    traceFile: string,
    strict: boolean,
    modelId: string,
    readTrajectories: (traceFile: string) => Promise<Trajectory[]>,
  ) {
    this.#modelId = modelId;
    this.#load = async () => {
      const model = createReplayModel(await readTrajectories(traceFile), { strict });
      this.#provider = model.provider;
      this.#modelId = model.modelId;
      return model;
    };
  }

  get provider(): string {
    return this.#provider;
  }

  get modelId(): string {
    return this.#modelId;
  }

  async doGenerate(request: GenerateRequest): Promise<GenerateResult> {
    this.#loading ??= this.#load();
    return (await this.#loading).doGenerate(request);
  }
}
