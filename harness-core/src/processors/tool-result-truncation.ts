/**
 * `tool-result-truncation`: one huge tool result (a file listing, a search page) can fill the
 * context on its own and push everything else out. This processor keeps the head and the tail of
 * results over `maxChars`, where the useful parts usually are, with a marker saying how much was cut.
 */
import { z } from 'zod';
import type { ToolResultPatch } from '../harness/hooks.ts';
import { defineProcessor } from '../harness/processor.ts';
import { fillTemplate } from './support/describe-action.ts';

/** Options of `tool-result-truncation`; every field has a default, so `{}` parses. */
export const toolResultTruncationOptionsSchema = z
  .object({
    /** Results longer than this many characters are truncated to about this length. */
    maxChars: z.number().int().min(100).default(2000).describe('Results longer than this are truncated.'),
    /** Share of the kept characters taken from the head; the rest comes from the tail. */
    headFraction: z.number().min(0).max(1).default(0.7).describe('Share of kept characters from the head.'),
    /** Marker put where text was cut; `{cut}` becomes the number of characters removed. */
    marker: z
      .string()
      .default('\n[... {cut} characters cut ...]\n')
      .describe('Marker where text was cut; {cut}.'),
  })
  .strict();

/** `tool-result-truncation` options with defaults filled in. */
export type ToolResultTruncationOptions = z.output<typeof toolResultTruncationOptionsSchema>;

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/**
 * Keeps the head and tail of `text` so that the kept parts total `maxChars` (pure). Never splits
 * a surrogate pair. `cut` is 0 and the text unchanged when it is short enough.
 */
export function truncateMiddle(
  text: string,
  options: ToolResultTruncationOptions,
): { text: string; cut: number } {
  if (text.length <= options.maxChars) return { text, cut: 0 };
  let headEnd = Math.floor(options.maxChars * options.headFraction);
  let tailStart = text.length - (options.maxChars - headEnd);
  if (headEnd > 0 && isHighSurrogate(text.charCodeAt(headEnd - 1))) headEnd--;
  if (tailStart < text.length && isLowSurrogate(text.charCodeAt(tailStart))) tailStart++;
  const cut = tailStart - headEnd;
  return {
    text: `${text.slice(0, headEnd)}${fillTemplate(options.marker, { cut })}${text.slice(tailStart)}`,
    cut,
  };
}

/** The `tool-result-truncation` processor (see the module comment for the failure it fixes). */
export const toolResultTruncation = defineProcessor<ToolResultTruncationOptions>({
  id: 'tool-result-truncation',
  version: 1,
  description:
    'Truncates tool results over a size limit, keeping head and tail with a marker stating how much was cut.',
  dimension: 'context-compaction',
  order: 40,
  optionsSchema: toolResultTruncationOptionsSchema,
  create(options) {
    return {
      toolResult(args): ToolResultPatch | undefined {
        const { text, cut } = truncateMiddle(args.result.content, options);
        if (cut === 0) return undefined;
        args.emit('tool-result-truncated', { tool: args.call.name, cut });
        return { type: 'tool-result', content: text, isError: args.result.isError };
      },
    };
  },
});
