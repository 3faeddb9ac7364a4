/**
 * `tool-retry`: tools fail for reasons that go away on their own (timeouts, rate limits, a busy
 * backend). Without a retry the model sees the failure, and small models then give up or change
 * plan for no reason. This processor re-runs such calls with exponential backoff and hands the
 * model only the final result.
 */
import { z } from 'zod';
import type { ToolResultPatch } from '../harness/hooks.ts';
import { defineProcessor } from '../harness/processor.ts';
import { regexSourceSchema } from '../schema.ts';

const regexSource = regexSourceSchema;

/** Options of `tool-retry`; every field has a default, so `{}` parses. */
export const toolRetryOptionsSchema = z
  .object({
    /** Case-insensitive regular expressions; a result matching any of them looks transient. */
    patterns: z
      .array(regexSource)
      .default(['time[ds]? ?out', 'temporarily unavailable', 'rate.?limit', 'try again', '\\b503\\b'])
      .describe('Case-insensitive regexes; a result matching any looks transient.'),
    /** How many times a transient failure is re-run before the model sees it. */
    maxRetries: z
      .number()
      .int()
      .min(0)
      .max(10)
      .default(2)
      .describe('Re-runs before the model sees the failure.'),
    /** Wait before the first retry; each further retry waits twice as long. */
    baseDelayMs: z
      .number()
      .int()
      .min(0)
      .max(60_000)
      .default(200)
      .describe('First backoff delay; doubled each retry.'),
    /** Only results the tool marked as errors are retried (a successful result may quote such words). */
    onlyErrors: z.boolean().default(true).describe('Only retry results marked as errors.'),
  })
  .strict();

/** `tool-retry` options with defaults filled in. */
export type ToolRetryOptions = z.output<typeof toolRetryOptionsSchema>;

/** True when the result looks like a failure that may go away if tried again (pure). */
export function looksTransient(
  result: { content: string; isError: boolean },
  patterns: readonly RegExp[],
  onlyErrors: boolean,
): boolean {
  if (onlyErrors && !result.isError) return false;
  return patterns.some((pattern) => pattern.test(result.content));
}

/** Backoff before retry `attempt` (0-based): base, 2 x base, 4 x base, ... */
export function backoffDelayMs(baseDelayMs: number, attempt: number): number {
  return baseDelayMs * 2 ** attempt;
}

/** The `tool-retry` processor (see the module comment for the failure it fixes). */
export const toolRetry = defineProcessor<ToolRetryOptions>({
  id: 'tool-retry',
  version: 1,
  description:
    'Re-runs tool calls whose results look transient (timeouts, rate limits, 503) with exponential backoff.',
  dimension: 'tool-use',
  order: 'pre',
  optionsSchema: toolRetryOptionsSchema,
  create(options) {
    const patterns = options.patterns.map((source) => new RegExp(source, 'i'));
    return {
      async toolResult(args): Promise<ToolResultPatch | undefined> {
        let result = args.result;
        if (!looksTransient(result, patterns, options.onlyErrors)) return undefined;
        let attempts = 0;
        while (attempts < options.maxRetries && looksTransient(result, patterns, options.onlyErrors)) {
          await args.sleep(backoffDelayMs(options.baseDelayMs, attempts));
          attempts++;
          result = await args.execute();
        }
        if (attempts === 0) return undefined;
        const recovered = !looksTransient(result, patterns, options.onlyErrors);
        args.emit('tool-retried', { tool: args.call.name, attempts, recovered });
        return { type: 'tool-result', content: result.content, isError: result.isError };
      },
    };
  },
});
