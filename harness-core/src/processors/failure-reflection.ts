/**
 * `failure-reflection`: a bare error ("Nothing happens.") tells a small model nothing about why,
 * so it retries blindly. This processor annotates a failed result with a short reflection that
 * names the failed action in plain words and lists the usual reasons to check before trying again.
 */
import { z } from 'zod';
import type { ToolResultPatch } from '../harness/hooks.ts';
import { defineProcessor } from '../harness/processor.ts';
import { describeAction, fillTemplate } from './support/describe-action.ts';
import { compileFailurePatterns, matchesFailurePattern } from './support/failure-patterns.ts';

/** Options of `failure-reflection`; every field has a default, so `{}` parses. */
export const failureReflectionOptionsSchema = z
  .object({
    /** Generic reasons an action fails, listed for the model to check. */
    reasons: z
      .array(z.string().min(1))
      .default([
        'are you at the right location?',
        'is the object really there (look again)?',
        'is a container or door closed?',
        'are your hands full?',
        'are the arguments exactly right (names, spelling)?',
      ])
      .describe('Generic reasons an action fails, listed for the model to check.'),
    /** Case-insensitive regexes marking a non-error result as a failure (environments that say so in prose). */
    failurePatterns: z
      .array(z.string())
      .default(['^nothing happens\\b'])
      .describe('Regexes that mark a non-error result as a failure.'),
    /** The reflection; `{action}` and `{reasons}` are filled in. */
    template: z
      .string()
      .min(1)
      .default('Reflection: {action} failed. Before trying again, check: {reasons}')
      .describe('The reflection; {action}, {reasons}.'),
  })
  .strict();

/** `failure-reflection` options with defaults filled in. */
export type FailureReflectionOptions = z.output<typeof failureReflectionOptionsSchema>;

/** The reflection text for one failed call (pure). */
export function reflectOnFailure(
  call: { name: string; arguments: string },
  options: Pick<FailureReflectionOptions, 'reasons' | 'template'>,
): string {
  return fillTemplate(options.template, {
    action: describeAction(call.name, call.arguments),
    reasons: options.reasons.join(' '),
  });
}

/** The `failure-reflection` processor (see the module comment for the failure it fixes). */
export const failureReflection = defineProcessor<FailureReflectionOptions>({
  id: 'failure-reflection',
  version: 1,
  description:
    'Annotates a failed tool result with a reflection naming the failed action and the usual reasons to check.',
  dimension: 'verification',
  optionsSchema: failureReflectionOptionsSchema,
  create(options) {
    const failurePatterns = compileFailurePatterns(options.failurePatterns);
    return {
      toolResult(args): ToolResultPatch | undefined {
        const { content, isError } = args.result;
        if (!isError && !matchesFailurePattern(failurePatterns, content)) return undefined;
        return {
          type: 'tool-result',
          content: `${content}\n\n${reflectOnFailure(args.call, options)}`,
          isError,
        };
      },
    };
  },
});
