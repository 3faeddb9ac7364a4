/**
 * `ModelV1` over the Amazon Bedrock Converse API, signed with our own SigV4 (no AWS SDK here).
 * Credentials come from the options or the standard `AWS_*` environment variables.
 */
import { z } from 'zod';
import { InputError } from '../errors.ts';
import { parseWith } from '../schema.ts';
import { type AwsCredentials, signAwsRequest } from './aws-sigv4.ts';
import { parseConverseResponse, toConverseRequestBody } from './bedrock-converse-wire.ts';
import { computeCostUsd, httpModelCommonOptionsShape } from './http-model-options.ts';
import { postJson } from './http-transport.ts';
import type { GenerateRequest, GenerateResult, ModelV1 } from './model.ts';
import { withRetries } from './retry.ts';

export const bedrockCredentialsSchema = z
  .object({
    accessKeyId: z.string().min(1),
    secretAccessKey: z.string().min(1),
    sessionToken: z.string().min(1).optional(),
  })
  .strict();

export const bedrockConverseOptionsSchema = z
  .object({
    modelId: z
      .string()
      .min(1)
      .describe('Model or inference-profile id, e.g. anthropic.claude-3-haiku-20240307-v1:0.'),
    region: z
      .string()
      .regex(/^[a-z0-9-]+$/, 'expected an AWS region such as us-east-1')
      .optional()
      .describe('Default: AWS_REGION, then AWS_DEFAULT_REGION.'),
    credentials: bedrockCredentialsSchema
      .optional()
      .describe('Default: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.'),
    endpoint: z
      .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
      .optional()
      .describe(
        'Override (VPC endpoint, test server); default https://bedrock-runtime.<region>.amazonaws.com.',
      ),
    env: z
      .record(z.string(), z.string().optional())
      .optional()
      .describe('Environment to read AWS_* from; default process.env.'),
    now: z
      .custom<() => Date>((value) => typeof value === 'function', { error: 'expected a clock function' })
      .optional()
      .describe('Clock for the signature date; injectable for tests.'),
    ...httpModelCommonOptionsShape,
  })
  .strict();

export type BedrockConverseOptions = z.input<typeof bedrockConverseOptionsSchema>;
type ResolvedOptions = z.output<typeof bedrockConverseOptionsSchema>;

/** `gen_ai.provider.name` of Bedrock calls. */
export const BEDROCK_PROVIDER_NAME = 'aws.bedrock';
const ENTITY = 'bedrock-converse model options';
const SOURCE = 'createBedrockConverseModel (options and AWS_* environment)';

/**
 * Creates a Bedrock Converse model. Region and credentials are resolved here, so a missing one
 * fails before any request.
 * @throws InputError naming the missing or invalid option.
 * @example
 * const model = createBedrockConverseModel({ modelId: 'anthropic.claude-3-haiku-20240307-v1:0', region: 'us-east-1' });
 */
export function createBedrockConverseModel(options: BedrockConverseOptions): ModelV1 {
  const resolved = parseWith(bedrockConverseOptionsSchema, options, ENTITY, SOURCE);
  const env = resolved.env ?? process.env;
  const region = resolved.region ?? nonEmpty(env['AWS_REGION']) ?? nonEmpty(env['AWS_DEFAULT_REGION']);
  if (region === undefined) {
    throw new InputError(ENTITY, SOURCE, [
      { path: 'region', message: 'no AWS region: pass region or set AWS_REGION' },
    ]);
  }
  const credentials = resolved.credentials ?? credentialsFromEnv(env);
  const endpoint = resolved.endpoint ?? `https://bedrock-runtime.${region}.amazonaws.com`;
  return new BedrockConverseModel(resolved, region, credentials, endpoint);
}

function credentialsFromEnv(env: Record<string, string | undefined>): AwsCredentials {
  const accessKeyId = nonEmpty(env['AWS_ACCESS_KEY_ID']);
  const secretAccessKey = nonEmpty(env['AWS_SECRET_ACCESS_KEY']);
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    throw new InputError(ENTITY, SOURCE, [
      {
        path: 'credentials',
        message: 'no AWS credentials: pass credentials or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
      },
    ]);
  }
  const sessionToken = nonEmpty(env['AWS_SESSION_TOKEN']);
  return sessionToken === undefined
    ? { accessKeyId, secretAccessKey }
    : { accessKeyId, secretAccessKey, sessionToken };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** AWS names the error in `x-amzn-ErrorType` (`ThrottlingException:http://…`) or the body's `__type`. */
function readAwsErrorType(headers: Headers, bodyText: string): string | undefined {
  const header = headers.get('x-amzn-errortype');
  if (header) return header.split(':')[0]!.trim();
  try {
    const body: unknown = JSON.parse(bodyText);
    const type =
      body !== null && typeof body === 'object' ? (body as { __type?: unknown }).__type : undefined;
    if (typeof type === 'string') return type.split('#').at(-1)!.split(':')[0]!.trim();
  } catch {
    // Not JSON: the status alone decides.
  }
  return undefined;
}

class BedrockConverseModel implements ModelV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider = BEDROCK_PROVIDER_NAME;
  readonly modelId: string;
  readonly #options: ResolvedOptions;
  readonly #region: string;
  readonly #credentials: AwsCredentials;
  readonly #url: string;
  readonly #source: string;

  constructor(options: ResolvedOptions, region: string, credentials: AwsCredentials, endpoint: string) {
    this.#options = options;
    this.modelId = options.modelId;
    this.#region = region;
    this.#credentials = credentials;
    this.#url = `${endpoint.replace(/\/+$/, '')}/model/${encodeURIComponent(options.modelId)}/converse`;
    this.#source = `bedrock-converse POST ${this.#url}`;
  }

  async doGenerate(request: GenerateRequest): Promise<GenerateResult> {
    const options = this.#options;
    const body = JSON.stringify(
      toConverseRequestBody(request, {
        temperature: options.temperature,
        maxOutputTokens: options.maxOutputTokens,
      }),
    );
    const parsed = await withRetries(
      async () => {
        const json = await postJson({
          url: this.#url,
          // Signed per attempt: a signature is only valid for a few minutes after its date.
          headers: this.#signedHeaders(body),
          body,
          timeoutMs: options.timeoutMs,
          signal: request.signal,
          fetch: options.fetch ?? globalThis.fetch,
          source: this.#source,
          readErrorType: readAwsErrorType,
        });
        return parseConverseResponse(json, this.#source);
      },
      {
        maxRetries: options.maxRetries,
        baseDelayMs: options.retryBaseDelayMs,
        maxDelayMs: options.retryMaxDelayMs,
        signal: request.signal,
        sleep: options.sleep,
      },
    );
    const result: GenerateResult = { ...parsed };
    const costUsd = computeCostUsd(parsed.usage, options);
    if (costUsd !== undefined) result.costUsd = costUsd;
    return result;
  }

  #signedHeaders(body: string): Record<string, string> {
    const { headers } = signAwsRequest({
      method: 'POST',
      url: this.#url,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body,
      service: 'bedrock',
      region: this.#region,
      credentials: this.#credentials,
      date: this.#options.now?.(),
      includeContentSha256Header: true,
    });
    // fetch sets Host from the URL itself (the value we signed) and ignores a Host header we pass.
    const { host: _host, ...rest } = headers;
    return rest;
  }
}
