/**
 * Validation of what a `ModelV1` returned. Adapters validate their wire format; this check guards
 * the runtime against any implementation (user code, doubles) returning a malformed result.
 */
import { z } from 'zod';
import type { GenerateResult } from '../providers/model.ts';
import { parseWith } from '../schema.ts';

const generateResultSchema = z.object({
  text: z.string(),
  toolCalls: z.array(z.object({ id: z.string().min(1), name: z.string().min(1), arguments: z.string() })),
  finishReason: z.enum(['stop', 'tool_call', 'length', 'content_filter', 'error']),
  usage: z.object({
    inputTokens: z.number().int().nonnegative(),
    outputTokens: z.number().int().nonnegative(),
  }),
  responseModel: z.string().optional(),
  responseId: z.string().optional(),
  costUsd: z.number().nonnegative().optional(),
});

export function parseModelResult(value: unknown, source: string): GenerateResult {
  return parseWith(generateResultSchema, value, 'model response', source) as GenerateResult;
}
