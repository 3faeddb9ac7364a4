/**
 * Options of the digest stage, validated before any trace is read: a bad option is an
 * `InputError` naming the field, never a half-built digest.
 */
import { z } from 'zod';
import { parseWith, regexSourceSchema } from '../../schema.ts';
import { contentIdSchema, cycleIdSchema } from '../artifacts/common.ts';

/**
 * Tool names that end an episode in most agent frameworks. The digest treats a call to one of
 * them as "the agent declared it was done"; nothing else about the domain is assumed.
 */
export const FINISH_LIKE_TOOL_NAMES: readonly string[] = ['finish', 'submit', 'done', 'final_answer', 'stop'];

/**
 * Results that report a failed action in prose with `isError` unset. `Nothing happens.` is the
 * ALFWorld convention (loop-guard ships the same default); add an environment's own phrasing here.
 */
export const DEFAULT_FAILURE_PATTERNS: readonly string[] = ['^nothing happens\\b'];

const regexSource = regexSourceSchema;

export const digestOptionsSchema = z
  .object({
    cycleId: cycleIdSchema,
    harnessContentId: contentIdSchema,
    /** Tokens of the trace content read; estimated from the trajectories' messages when absent. */
    tokensIn: z.number().int().nonnegative().optional(),
    /** Tool names that mean "the agent ended the episode" (compared case-insensitively, `-` as `_`). */
    finishToolNames: z
      .array(z.string().min(1))
      .min(1)
      .default([...FINISH_LIKE_TOOL_NAMES]),
    /** Case-insensitive regexes marking a result without `isError` as a failed action. */
    failurePatterns: z
      .array(regexSource)
      .max(50)
      .default([...DEFAULT_FAILURE_PATTERNS]),
    /** Evidence spans kept per failed trajectory (clusters keep up to 3 of their members'). */
    evidencePerTrajectory: z.number().int().min(0).max(3).default(1),
    /**
     * `list`: successful trajectories are listed one by one too (`successfulTrajectories`). `omit`
     * (default): failed trajectories only, as members of their clusters; `tasks` still says which
     * tasks were solved (plan reads it).
     */
    successfulTrajectories: z.enum(['list', 'omit']).default('omit'),
    /** Longest evidence excerpt, in characters. */
    excerptChars: z.number().int().min(20).max(300).default(160),
  })
  .strict();

export type DigestOptions = z.input<typeof digestOptionsSchema>;
export type ResolvedDigestOptions = z.output<typeof digestOptionsSchema>;

export function parseDigestOptions(options: unknown, source = 'digest options'): ResolvedDigestOptions {
  return parseWith(digestOptionsSchema, options, 'digest options', source);
}
