import { afterEach, describe, expect, it } from 'vitest';
import { InputError, SystemError } from '../errors.ts';
import type { ModelConfig } from '../harness/spec.ts';
import { ScriptedModel } from '../testing/scripted-model.ts';
import type { Trajectory } from '../trace/trajectory.ts';
import { createModelFromConfig, resolveWorkerModelConfig } from './config.ts';
import { type StubHttpServer, startStubHttpServer } from './testing-http-server.ts';

let server: StubHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const chatAnswer = {
  choices: [{ message: { role: 'assistant', content: 'pong' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 1 },
};
const ping = { messages: [{ role: 'user' as const, content: 'ping' }], tools: [] };

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

function issuesOf(error: unknown): Array<{ path: string; message: string }> {
  expect(error).toBeInstanceOf(InputError);
  return [...(error as InputError).issues];
}

describe('createModelFromConfig: openai-compatible', () => {
  it('builds a working model and reads the API key from the variable apiKeyEnv names', async () => {
    server = await startStubHttpServer([{ body: chatAnswer }]);
    const model = createModelFromConfig(
      {
        provider: 'openai-compatible',
        model: 'llama-3.1-8b',
        options: {
          baseUrl: `${server.url}/v1`,
          apiKeyEnv: 'MY_GATEWAY_KEY',
          priceUsdPerMillionInputTokens: 1,
        },
      },
      { MY_GATEWAY_KEY: 'gateway-key-value' },
    );
    const result = await model.doGenerate(ping);
    expect(result.text).toBe('pong');
    expect(result.costUsd).toBeCloseTo(3 / 1_000_000, 12);
    expect(server.requests[0]!.headers['authorization']).toBe('Bearer gateway-key-value');
    expect((server.requests[0]!.json as { model: string }).model).toBe('llama-3.1-8b');
  });

  it('uses OPENAI_API_KEY by default and sends no key when it is unset (local servers)', async () => {
    server = await startStubHttpServer([{ body: chatAnswer }, { body: chatAnswer }]);
    const config: ModelConfig = {
      provider: 'openai-compatible',
      model: 'm',
      options: { baseUrl: server.url },
    };
    await createModelFromConfig(config, { OPENAI_API_KEY: 'default-key' }).doGenerate(ping);
    await createModelFromConfig(config, {}).doGenerate(ping);
    expect(server.requests[0]!.headers['authorization']).toBe('Bearer default-key');
    expect(server.requests[1]!.headers['authorization']).toBeUndefined();
  });

  it('rejects a literal API key or an Authorization header in the harness', () => {
    const error = catchError(() =>
      createModelFromConfig(
        {
          provider: 'openai-compatible',
          model: 'm',
          options: {
            baseUrl: 'http://x/v1',
            apiKey: 'sk-live',
            headers: { Authorization: 'Bearer sk-live' },
          },
        },
        {},
      ),
    );
    const issues = issuesOf(error);
    expect(issues.map((issue) => issue.path)).toEqual([
      'models.worker.options.apiKey',
      'models.worker.options.headers.Authorization',
    ]);
    expect(issues[0]!.message).toContain('apiKeyEnv');
    expect((error as Error).message).not.toContain('sk-live');
  });

  it('names each bad or unknown option by its path', () => {
    const error = catchError(() =>
      createModelFromConfig(
        {
          provider: 'openai-compatible',
          model: 'm',
          options: { baseUrl: 'localhost', timeoutMs: 'soon', temprature: 0.2 },
        },
        {},
        {},
        { path: 'models.meta', source: 'examples/harnesses/baseline.yaml' },
      ),
    );
    const issues = issuesOf(error);
    expect(issues.map((issue) => issue.path).sort()).toEqual([
      'models.meta.options.baseUrl',
      'models.meta.options.temprature',
      'models.meta.options.timeoutMs',
    ]);
    expect(issues.find((issue) => issue.path.endsWith('temprature'))!.message).toContain('temperature');
    expect((error as InputError).source).toBe('examples/harnesses/baseline.yaml');
  });

  it('requires the variable an explicit apiKeyEnv names', () => {
    const error = catchError(() =>
      createModelFromConfig(
        {
          provider: 'openai-compatible',
          model: 'm',
          options: { baseUrl: 'http://x/v1', apiKeyEnv: 'MISSING_KEY' },
        },
        {},
      ),
    );
    expect(issuesOf(error)).toEqual([
      { path: 'models.worker.options.apiKeyEnv', message: 'environment variable MISSING_KEY is not set' },
    ]);
  });
});

describe('createModelFromConfig: providers', () => {
  it('lists the known providers, extra factories included, for an unknown one', () => {
    const error = catchError(() =>
      createModelFromConfig(
        { provider: 'openia', model: 'm', options: {} },
        {},
        { simulated: () => new ScriptedModel([]) },
      ),
    );
    expect(issuesOf(error)).toEqual([
      {
        path: 'models.worker.provider',
        message: 'unknown provider "openia"; known: bedrock, openai-compatible, replay, simulated',
      },
    ]);
  });

  it('uses an extra factory, passing it the config and the environment', () => {
    const double = new ScriptedModel([], { provider: 'simulated' });
    const seen: unknown[] = [];
    const model = createModelFromConfig(
      { provider: 'simulated', model: 'sim-1', options: { seed: 3 } },
      { A: '1' },
      {
        simulated: (config, env) => {
          seen.push(config.options, env['A']);
          return double;
        },
      },
    );
    expect(model).toBe(double);
    expect(seen).toEqual([{ seed: 3 }, '1']);
  });

  it('builds a Bedrock model from AWS_* variables and rejects credentials in the harness', async () => {
    server = await startStubHttpServer([
      {
        body: {
          output: { message: { role: 'assistant', content: [{ text: 'from bedrock' }] } },
          stopReason: 'end_turn',
          usage: { inputTokens: 1, outputTokens: 1 },
        },
      },
    ]);
    const env = { AWS_REGION: 'us-east-2', AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'secret' };
    const model = createModelFromConfig(
      { provider: 'bedrock', model: 'amazon.nova-lite-v1:0', options: { endpoint: server.url } },
      env,
    );
    expect(model.provider).toBe('aws.bedrock');
    expect((await model.doGenerate(ping)).text).toBe('from bedrock');
    expect(server.requests[0]!.url).toBe('/model/amazon.nova-lite-v1%3A0/converse');
    expect(String(server.requests[0]!.headers['authorization'])).toContain('AKIDTEST/');

    const withSecret = catchError(() =>
      createModelFromConfig({ provider: 'bedrock', model: 'x', options: { secretAccessKey: 'oops' } }, env),
    );
    expect(issuesOf(withSecret)[0]!.path).toBe('models.worker.options.secretAccessKey');
    const noCredentials = catchError(() =>
      createModelFromConfig({ provider: 'bedrock', model: 'x', options: {} }, {}),
    );
    expect(issuesOf(noCredentials).map((issue) => issue.path)).toEqual([
      'models.worker.options.region',
      'models.worker',
    ]);
  });

  it('replays a trace file through the injected reader, read on the first call', async () => {
    const reads: string[] = [];
    const recorded: Trajectory = {
      traceId: 'f'.repeat(32),
      agentName: 'worker',
      provider: 'vllm',
      model: 'qwen3',
      outcome: 'success',
      success: true,
      reward: 1,
      usage: { inputTokens: 1, outputTokens: 1, costUsd: 0 },
      turns: [
        {
          index: 0,
          toolCalls: [],
          modelCall: {
            provider: 'vllm',
            model: 'qwen3',
            inputMessages: ping.messages,
            output: { text: 'replayed', toolCalls: [], finishReason: 'stop' },
            usage: { inputTokens: 1, outputTokens: 1 },
            startTimeUnixNano: '1',
            endTimeUnixNano: '2',
          },
        },
      ],
      events: [],
      startTimeUnixNano: '1',
      endTimeUnixNano: '2',
      extraAttributes: {},
    };
    const config: ModelConfig = {
      provider: 'replay',
      model: 'recorded',
      options: { traceFile: 'runs/a.otlp.json', strict: true },
    };
    const model = createModelFromConfig(
      config,
      {},
      {},
      {
        readTrajectories: async (path) => {
          reads.push(path);
          return [recorded];
        },
      },
    );
    expect(reads).toEqual([]);
    expect(model.modelId).toBe('recorded');
    expect((await model.doGenerate(ping)).text).toBe('replayed');
    expect(reads).toEqual(['runs/a.otlp.json']);
    expect(model.provider).toBe('vllm');
    expect(model.modelId).toBe('qwen3');

    expect(catchError(() => createModelFromConfig(config, {}))).toBeInstanceOf(SystemError);
    const missingFile = catchError(() => createModelFromConfig({ ...config, options: {} }, {}));
    expect(issuesOf(missingFile)[0]!.path).toBe('models.worker.options.traceFile');
  });
});

describe('resolveWorkerModelConfig', () => {
  const simulated = { provider: 'simulated', model: 'sim-worker', options: { seed: 1 } };
  const openai = {
    provider: 'openai-compatible',
    model: 'gpt-4o-mini',
    options: { baseUrl: 'https://api.openai.com/v1' },
  };

  it('returns the harness block unchanged without overrides (empty values count as unset)', () => {
    expect(resolveWorkerModelConfig(simulated, { HARNESSX_WORKER_MODEL: '' })).toEqual(simulated);
  });

  it('points any harness at an OpenAI-compatible endpoint with a base URL and a model', () => {
    const resolved = resolveWorkerModelConfig(simulated, {
      HARNESSX_WORKER_BASE_URL: 'http://localhost:8000/v1',
      HARNESSX_WORKER_MODEL: 'Qwen/Qwen3-8B',
      HARNESSX_WORKER_API_KEY_ENV: 'VLLM_KEY',
    });
    expect(resolved).toEqual({
      provider: 'openai-compatible',
      model: 'Qwen/Qwen3-8B',
      options: { baseUrl: 'http://localhost:8000/v1', apiKeyEnv: 'VLLM_KEY' },
    });
  });

  it('keeps the harness options when the provider stays the same', () => {
    const withOptions = { ...openai, options: { ...openai.options, temperature: 0.1 } };
    expect(
      resolveWorkerModelConfig(withOptions, { HARNESSX_WORKER_BASE_URL: 'http://gpu-box:8000/v1' }),
    ).toEqual({
      provider: 'openai-compatible',
      model: 'gpt-4o-mini',
      options: { baseUrl: 'http://gpu-box:8000/v1', temperature: 0.1 },
    });
  });

  it('requires a model when the provider changes, and rejects settings that do not apply', () => {
    const error = catchError(() =>
      resolveWorkerModelConfig(simulated, {
        HARNESSX_WORKER_PROVIDER: 'bedrock',
        HARNESSX_WORKER_BASE_URL: 'http://x',
      }),
    );
    expect(issuesOf(error).map((issue) => issue.path)).toEqual([
      'HARNESSX_WORKER_MODEL',
      'HARNESSX_WORKER_BASE_URL',
    ]);
    expect(
      resolveWorkerModelConfig(openai, {
        HARNESSX_WORKER_PROVIDER: 'bedrock',
        HARNESSX_WORKER_MODEL: 'amazon.nova-lite-v1:0',
      }),
    ).toEqual({ provider: 'bedrock', model: 'amazon.nova-lite-v1:0', options: {} });
    const noUrl = catchError(() =>
      resolveWorkerModelConfig(simulated, {
        HARNESSX_WORKER_PROVIDER: 'openai-compatible',
        HARNESSX_WORKER_MODEL: 'm',
      }),
    );
    expect(issuesOf(noUrl).map((issue) => issue.path)).toEqual(['HARNESSX_WORKER_BASE_URL']);
  });

  it('feeds createModelFromConfig so an override reaches a real endpoint', async () => {
    server = await startStubHttpServer([{ body: chatAnswer }]);
    const env = { HARNESSX_WORKER_BASE_URL: `${server.url}/v1`, HARNESSX_WORKER_MODEL: 'local-model' };
    const model = createModelFromConfig(resolveWorkerModelConfig(simulated, env), env);
    expect((await model.doGenerate(ping)).text).toBe('pong');
    expect(server.requests[0]!.url).toBe('/v1/chat/completions');
  });
});
