/**
 * Options every HTTP model adapter shares (timeouts, retries, sampling defaults, prices, injected
 * fetch and sleep), and the cost arithmetic that the prices feed.
 */
import { z } from 'zod';
import type { FetchFunction } from './http-transport.ts';
import type { ModelUsage } from './model.ts';
import type { SleepFunction } from './retry.ts';

const functionSchema = <T>(what: string) =>
  z.custom<T>((value) => typeof value === 'function', { error: `expected ${what} function` });

/** Shape of the shared options; each adapter extends it into its own `.strict()` schema. */
export const httpModelCommonOptionsShape = {
  timeoutMs: z
    .number()
    .int()
    .positive()
    .max(3_600_000)
    .default(60_000)
    .describe('No answer within this many milliseconds → MODEL_TIMEOUT (retried).'),
  maxRetries: z.number().int().min(0).max(20).default(4).describe('Retries after the first attempt.'),
  retryBaseDelayMs: z.number().int().min(0).default(500).describe('First backoff delay, doubled each retry.'),
  retryMaxDelayMs: z.number().int().min(0).default(30_000).describe('Longest single wait between attempts.'),
  temperature: z.number().min(0).max(2).optional().describe('Default when the request sets none.'),
  maxOutputTokens: z.number().int().positive().optional().describe('Default when the request sets none.'),
  priceUsdPerMillionInputTokens: z.number().min(0).optional(),
  priceUsdPerMillionOutputTokens: z.number().min(0).optional(),
  fetch: functionSchema<FetchFunction>('a fetch')
    .optional()
    .describe('Injectable fetch; default global fetch.'),
  sleep: functionSchema<SleepFunction>('a sleep').optional().describe('Injectable wait between retries.'),
};

export interface TokenPrices {
  priceUsdPerMillionInputTokens?: number;
  priceUsdPerMillionOutputTokens?: number;
}

/**
 * Cost of one call in US dollars, or `undefined` when no price is configured (so "free" and
 * "unknown" stay distinguishable). A missing one of the two prices counts as zero.
 */
export function computeCostUsd(usage: ModelUsage, prices: TokenPrices): number | undefined {
  const input = prices.priceUsdPerMillionInputTokens;
  const output = prices.priceUsdPerMillionOutputTokens;
  if (input === undefined && output === undefined) return undefined;
  return (usage.inputTokens * (input ?? 0) + usage.outputTokens * (output ?? 0)) / 1_000_000;
}
