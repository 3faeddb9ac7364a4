/**
 * Model credentials from Secrets Manager: the secret is a JSON object of environment-variable names
 * to values (e.g. `{"OPENAI_API_KEY": "…"}`), handed to the stages as `foundry.modelEnv`. It is
 * never copied into `process.env`, and no error or log line carries any of its values.
 */

import { getSecret, SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { InputError } from '@harnessx/core';
import { z } from 'zod';
import {
  type FunctionEnvRecord,
  localClientConfig,
  POWERTOOLS_ENDPOINT_VARIABLES,
} from './aws-client-config.ts';
import { inputErrorFromZod } from './env-issues.ts';

/** How long a fetched secret is reused before Secrets Manager is asked again (rotation shows within this). */
export const MODEL_SECRET_MAX_AGE_SECONDS = 300;

/** Reads a secret's raw value (string or binary), cached for `maxAge` seconds. */
export type SecretReader = (secretId: string, options: { maxAge: number }) => Promise<unknown>;

export type ModelEnv = Readonly<Record<string, string>>;

const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

const modelSecretSchema = z.record(
  z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'expected an environment-variable name')
    .refine((name) => !FORBIDDEN_NAMES.has(name), 'forbidden name'),
  z.string({ error: 'expected a string value' }),
);

/**
 * The reader for this environment: Powertools' shared `getSecret` on AWS; a provider pointed at the
 * local endpoint when the local stack names one (`AWS_ENDPOINT_URL_SECRETS_MANAGER`).
 */
export function createSecretReader(env: FunctionEnvRecord): SecretReader {
  const clientConfig = localClientConfig(env, POWERTOOLS_ENDPOINT_VARIABLES.secretsManager);
  if (!clientConfig) return (secretId, options) => getSecret(secretId, options);
  const provider = new SecretsProvider({ clientConfig });
  return (secretId, options) => provider.get(secretId, options);
}

/** Fetches (or reuses) the model secret and validates it; `InputError` names what is wrong, never a value. */
export async function loadModelEnv(secretId: string, read: SecretReader): Promise<ModelEnv> {
  const source = `secret ${secretId}`;
  const raw = await read(secretId, { maxAge: MODEL_SECRET_MAX_AGE_SECONDS });
  const text =
    typeof raw === 'string' ? raw : raw instanceof Uint8Array ? Buffer.from(raw).toString('utf8') : undefined;
  if (text === undefined) {
    throw new InputError('model secret', source, [{ path: '', message: 'the secret has no value' }]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the text; this one must not.
    throw new InputError('model secret', source, [
      { path: '', message: 'not valid JSON (expected an object of variable names to string values)' },
    ]);
  }
  const parsed = modelSecretSchema.safeParse(value);
  if (!parsed.success) throw inputErrorFromZod(parsed.error, 'model secret', source);
  return Object.freeze({ ...parsed.data });
}
