/**
 * `ModelV1` over the OpenAI Chat Completions API: OpenAI itself and every server that speaks it
 * (vLLM, SGLang, Ollama, SageMaker LMI). Non-streaming; retries transient failures.
 */
import { z } from 'zod';
import { parseWith } from '../schema.ts';
import { computeCostUsd, httpModelCommonOptionsShape } from './http-model-options.ts';
import { joinUrl, postJson } from './http-transport.ts';
import type { GenerateRequest, GenerateResult, ModelV1 } from './model.ts';
import { parseChatCompletionsResponse, toChatCompletionsRequestBody } from './openai-compatible-wire.ts';
import { withRetries } from './retry.ts';

export const openAICompatibleOptionsSchema = z
  .object({
    baseUrl: z.url({
      protocol: /^https?$/,
      error: 'expected an http(s) URL such as http://localhost:8000/v1',
    }),
    model: z.string().min(1).describe('Model id as the server knows it.'),
    apiKey: z.string().min(1).optional().describe('Sent as `Authorization: Bearer <apiKey>`.'),
    providerName: z.string().min(1).default('openai').describe('`gen_ai.provider.name` of the calls.'),
    headers: z.record(z.string(), z.string()).optional().describe('Extra request headers.'),
    ...httpModelCommonOptionsShape,
  })
  .strict();

export type OpenAICompatibleOptions = z.input<typeof openAICompatibleOptionsSchema>;
type ResolvedOptions = z.output<typeof openAICompatibleOptionsSchema>;

/** Provider adapter name used in error sources and configuration. */
export const OPENAI_COMPATIBLE_ADAPTER = 'openai-compatible';

/**
 * Creates a Chat Completions model. Options are validated here, before any request.
 * @throws InputError when an option is invalid (names the option's path).
 * @example
 * const model = createOpenAICompatibleModel({ baseUrl: 'http://localhost:8000/v1', model: 'Qwen/Qwen3-8B' });
 * const result = await model.doGenerate({ messages: [{ role: 'user', content: 'hi' }], tools: [] });
 */
export function createOpenAICompatibleModel(options: OpenAICompatibleOptions): ModelV1 {
  const resolved = parseWith(
    openAICompatibleOptionsSchema,
    options,
    'openai-compatible model options',
    'createOpenAICompatibleModel',
  );
  return new OpenAICompatibleModel(resolved);
}

class OpenAICompatibleModel implements ModelV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider: string;
  readonly modelId: string;
  readonly #options: ResolvedOptions;
  readonly #url: string;
  readonly #source: string;

  constructor(options: ResolvedOptions) {
    this.#options = options;
    this.provider = options.providerName;
    this.modelId = options.model;
    this.#url = joinUrl(options.baseUrl, 'chat/completions');
    this.#source = `${OPENAI_COMPATIBLE_ADAPTER} POST ${this.#url}`;
  }

  async doGenerate(request: GenerateRequest): Promise<GenerateResult> {
    const options = this.#options;
    const body = JSON.stringify(
      toChatCompletionsRequestBody(request, {
        model: options.model,
        temperature: options.temperature,
        maxOutputTokens: options.maxOutputTokens,
      }),
    );
    const parsed = await withRetries(
      async () => {
        const json = await postJson({
          url: this.#url,
          headers: this.#headers(),
          body,
          timeoutMs: options.timeoutMs,
          signal: request.signal,
          fetch: options.fetch ?? globalThis.fetch,
          source: this.#source,
        });
        return parseChatCompletionsResponse(json, this.#source, request);
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

  #headers(): Record<string, string> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
      ...this.#options.headers,
    };
    if (this.#options.apiKey !== undefined) headers['authorization'] = `Bearer ${this.#options.apiKey}`;
    return headers;
  }
}
