/**
 * `verify-before-finish`: small models declare success as soon as the task looks nearly done,
 * with a condition unmet (the apple is in the fridge, but the fridge was never closed). This
 * processor answers the first `maxChecks` finish calls, without running them, with the task
 * instruction and a request to check each of its conditions against what was observed.
 */
import { z } from 'zod';
import type { ToolCallPatch } from '../harness/hooks.ts';
import { defineProcessor } from '../harness/processor.ts';
import { fillTemplate } from './support/describe-action.ts';

/** Options of `verify-before-finish`; every field has a default, so `{}` parses. */
export const verifyBeforeFinishOptionsSchema = z
  .object({
    /** Name of the tool that ends the episode. */
    finishTool: z.string().min(1).default('finish').describe('Name of the tool that ends the episode.'),
    /** How many finish calls are answered with a check request before one is let through. */
    maxChecks: z
      .number()
      .int()
      .min(0)
      .max(10)
      .default(1)
      .describe('Finish calls answered with a check first.'),
    /** The check request; `{instruction}` and `{finishTool}` are filled in. */
    template: z
      .string()
      .min(1)
      .default(
        'Not finished yet. The task was: "{instruction}". Check each condition of this task, one by one, against what you have actually observed. If every condition holds, call {finishTool} again. If any does not, do what is still missing first.',
      )
      .describe('The check request; {instruction}, {finishTool}.'),
  })
  .strict();

/** `verify-before-finish` options with defaults filled in. */
export type VerifyBeforeFinishOptions = z.output<typeof verifyBeforeFinishOptionsSchema>;

/** The `verify-before-finish` processor (see the module comment for the failure it fixes). */
export const verifyBeforeFinish = defineProcessor<VerifyBeforeFinishOptions>({
  id: 'verify-before-finish',
  version: 1,
  description:
    'Intercepts the first finish call with the task instruction and a request to check each condition against what was observed.',
  dimension: 'verification',
  order: 'post',
  optionsSchema: verifyBeforeFinishOptionsSchema,
  create(options) {
    let checks = 0;
    return {
      toolCall(args): ToolCallPatch | undefined {
        if (args.call.name !== options.finishTool || checks >= options.maxChecks) return undefined;
        checks++;
        args.emit('finish-checked', { check: checks });
        const result = fillTemplate(options.template, {
          instruction: args.episode.task.instruction.trim(),
          finishTool: options.finishTool,
        });
        return { type: 'tool-call', action: 'intercept', result, isError: false };
      },
    };
  },
});
