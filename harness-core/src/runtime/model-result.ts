/**
 * Validation of what a `ModelV1` returned. Adapters validate their wire format; this check guards
 * the runtime against any implementation (user code, doubles) returning a malformed result.
 */
import { z } from 'zod';
import type { FinishReason, GenerateResult, ToolCall } from '../providers/model.ts';
import { parseWith } from '../schema.ts';

/** The result schema: the reference `parseModelResult` follows (exported for its tests). */
export const generateResultSchema = z.object({
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

const FINISH_REASONS: ReadonlySet<unknown> = new Set(generateResultSchema.shape.finishReason.options);

export function parseModelResult(value: unknown, source: string): GenerateResult {
  return (
    copyWellFormedResult(value) ??
    (parseWith(generateResultSchema, value, 'model response', source) as GenerateResult)
  );
}

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null;
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isName = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/**
 * The runtime checks one result per turn, and a zod parse costs as much as the rest of the turn's
 * bookkeeping. This plain check accepts only results the schema accepts and builds the same
 * output the schema would (unknown keys dropped, fields in schema order); anything it is unsure
 * of (`undefined` optional fields included) returns `undefined` and goes through the schema,
 * which then also produces the error.
 */
function copyWellFormedResult(value: unknown): GenerateResult | undefined {
  if (!isObject(value) || typeof value.text !== 'string' || !FINISH_REASONS.has(value.finishReason)) {
    return undefined;
  }
  const { usage, toolCalls } = value;
  if (!isObject(usage) || !isCount(usage.inputTokens) || !isCount(usage.outputTokens)) return undefined;
  if (!Array.isArray(toolCalls)) return undefined;
  const calls: ToolCall[] = [];
  for (const call of toolCalls as unknown[]) {
    if (!isObject(call) || !isName(call.id) || !isName(call.name) || typeof call.arguments !== 'string') {
      return undefined;
    }
    calls.push({ id: call.id, name: call.name, arguments: call.arguments });
  }
  const result: GenerateResult = {
    text: value.text,
    toolCalls: calls,
    finishReason: value.finishReason as FinishReason,
    usage: { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens },
  };
  if ('responseModel' in value) {
    if (typeof value.responseModel !== 'string') return undefined;
    result.responseModel = value.responseModel;
  }
  if ('responseId' in value) {
    if (typeof value.responseId !== 'string') return undefined;
    result.responseId = value.responseId;
  }
  if ('costUsd' in value) {
    const cost = value.costUsd;
    if (typeof cost !== 'number' || !Number.isFinite(cost) || cost < 0) return undefined;
    result.costUsd = cost;
  }
  return result;
}
