/**
 * Client settings for the AWS clients Powertools builds for us (DynamoDB for idempotency, Secrets
 * Manager for model credentials). On AWS nothing is set and the SDK's default chain applies. The
 * local stack sets the SDK's own per-service endpoint variables; reading them from the function's
 * `env` (rather than letting the SDK read `process.env`) keeps a handler's whole configuration in
 * the one record it was built from, which is also what lets tests run side by side.
 */
import { z } from 'zod';
import { inputErrorFromZod } from './env-issues.ts';

export type FunctionEnvRecord = Readonly<Record<string, string | undefined>>;

/** The SDK's own variable names for the endpoints the functions' Powertools clients use. */
export const POWERTOOLS_ENDPOINT_VARIABLES = {
  dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
  secretsManager: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
} as const;

export interface LocalClientConfig {
  endpoint: string;
  region: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

const localEnvSchema = z.object({
  endpoint: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
  AWS_REGION: z.string().min(1).optional(),
  AWS_DEFAULT_REGION: z.string().min(1).optional(),
  AWS_ACCESS_KEY_ID: z.string().min(1).optional(),
  AWS_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  AWS_SESSION_TOKEN: z.string().min(1).optional(),
});

/**
 * The client config for a local endpoint named by `variable`, or `undefined` when it is unset (on
 * AWS), so the SDK resolves endpoint, region and credentials itself.
 */
export function localClientConfig(env: FunctionEnvRecord, variable: string): LocalClientConfig | undefined {
  const endpoint = env[variable];
  if (endpoint === undefined || endpoint === '') return undefined;
  const parsed = localEnvSchema.safeParse({ ...pickAwsVariables(env), endpoint });
  if (!parsed.success) {
    throw inputErrorFromZod(parsed.error, 'function environment', 'the function environment', {
      endpoint: variable,
    });
  }
  const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = parsed.data;
  const credentials =
    AWS_ACCESS_KEY_ID && AWS_SECRET_ACCESS_KEY
      ? {
          accessKeyId: AWS_ACCESS_KEY_ID,
          secretAccessKey: AWS_SECRET_ACCESS_KEY,
          ...(AWS_SESSION_TOKEN ? { sessionToken: AWS_SESSION_TOKEN } : {}),
        }
      : undefined;
  return {
    endpoint: parsed.data.endpoint,
    region: parsed.data.AWS_REGION ?? parsed.data.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(credentials ? { credentials } : {}),
  };
}

const AWS_VARIABLES = [
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
] as const;

/** Empty strings count as unset, the way the SDK treats them. */
function pickAwsVariables(env: FunctionEnvRecord): Record<string, string | undefined> {
  return Object.fromEntries(AWS_VARIABLES.map((name) => [name, env[name] || undefined]));
}
