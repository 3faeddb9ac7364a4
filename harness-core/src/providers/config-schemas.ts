/**
 * Options schemas of the `models` block of a harness, one per built-in provider. They differ from
 * the adapters' own options on purpose: a harness file is shared and versioned, so it names the
 * environment variable that holds a secret, never the secret itself.
 */
import { z } from 'zod';
import { httpModelCommonOptionsShape } from './http-model-options.ts';

const {
  timeoutMs,
  maxRetries,
  retryBaseDelayMs,
  retryMaxDelayMs,
  temperature,
  maxOutputTokens,
  priceUsdPerMillionInputTokens,
  priceUsdPerMillionOutputTokens,
} = httpModelCommonOptionsShape;

/** The shared options a harness file may set (no injected functions). */
const serialisableCommonShape = {
  timeoutMs,
  maxRetries,
  retryBaseDelayMs,
  retryMaxDelayMs,
  temperature,
  maxOutputTokens,
  priceUsdPerMillionInputTokens,
  priceUsdPerMillionOutputTokens,
};

export const DEFAULT_API_KEY_ENV = 'OPENAI_API_KEY';

const envVarNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected the NAME of an environment variable, e.g. OPENAI_API_KEY');

export const openAICompatibleConfigOptionsSchema = z
  .object({
    baseUrl: z
      .url({ protocol: /^https?$/, error: 'expected an http(s) URL such as http://localhost:8000/v1' })
      .describe('Chat Completions base URL; HARNESSX_WORKER_BASE_URL overrides it for the worker.'),
    apiKeyEnv: envVarNameSchema
      .optional()
      .describe(`Name of the environment variable holding the API key (default ${DEFAULT_API_KEY_ENV}).`),
    providerName: z.string().min(1).optional().describe('gen_ai.provider.name; default openai.'),
    headers: z.record(z.string(), z.string()).optional().describe('Extra request headers (no secrets).'),
    ...serialisableCommonShape,
  })
  .strict();

export const bedrockConfigOptionsSchema = z
  .object({
    region: z
      .string()
      .regex(/^[a-z0-9-]+$/, 'expected an AWS region such as us-east-1')
      .optional()
      .describe('Default: AWS_REGION, then AWS_DEFAULT_REGION.'),
    endpoint: z
      .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
      .optional()
      .describe('VPC endpoint or test server.'),
    ...serialisableCommonShape,
  })
  .strict();

export const replayConfigOptionsSchema = z
  .object({
    traceFile: z.string().min(1).describe('OTLP/JSON trace file whose model calls are replayed.'),
    strict: z.boolean().default(false).describe('Fail when a request departs from the recorded input.'),
  })
  .strict();

/** Option keys that would put a secret in a harness file, with what to do instead. */
export const SECRET_OPTION_ADVICE: Record<string, Record<string, string>> = {
  'openai-compatible': {
    apiKey: `a literal API key does not belong in a harness file: put it in an environment variable and set apiKeyEnv to that variable's name (default ${DEFAULT_API_KEY_ENV})`,
  },
  bedrock: {
    credentials:
      'AWS credentials do not belong in a harness file: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    accessKeyId: 'AWS credentials do not belong in a harness file: set AWS_ACCESS_KEY_ID',
    secretAccessKey: 'AWS credentials do not belong in a harness file: set AWS_SECRET_ACCESS_KEY',
    sessionToken: 'AWS credentials do not belong in a harness file: set AWS_SESSION_TOKEN',
  },
};

/** Header names that carry credentials; a harness file must not set them. */
export const SECRET_HEADER_NAMES = new Set(['authorization', 'proxy-authorization', 'api-key', 'x-api-key']);
