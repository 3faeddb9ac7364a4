/**
 * `goal-pin`: the task arrives as the first user message, which drifts far back in a long
 * episode, and a small model then loses sight of the goal's details. This processor copies the
 * instruction into the system prompt, which stays in view on every turn and survives compaction.
 */
import { z } from 'zod';
import type { TaskStartPatch } from '../harness/hooks.ts';
import { defineProcessor } from '../harness/processor.ts';
import { fillTemplate } from './support/describe-action.ts';

/** Options of `goal-pin`; every field has a default, so `{}` parses. */
export const goalPinOptionsSchema = z
  .object({
    /** The pinned text; `{instruction}` becomes the task instruction. */
    template: z.string().min(1).default('Your task: {instruction}').describe('Pinned text; {instruction}.'),
    /** Put the pinned text after the system prompt (`end`) or before it (`start`). */
    position: z
      .enum(['start', 'end'])
      .default('end')
      .describe('Where the pinned text goes in the system prompt.'),
  })
  .strict();

/** `goal-pin` options with defaults filled in. */
export type GoalPinOptions = z.output<typeof goalPinOptionsSchema>;

/** The system prompt with the goal pinned (pure). */
export function pinGoal(systemPrompt: string, instruction: string, options: GoalPinOptions): string {
  const pinned = fillTemplate(options.template, { instruction: instruction.trim() });
  if (systemPrompt.trim() === '') return pinned;
  return options.position === 'start' ? `${pinned}\n\n${systemPrompt}` : `${systemPrompt}\n\n${pinned}`;
}

/** The `goal-pin` processor (see the module comment for the failure it fixes). */
export const goalPin = defineProcessor<GoalPinOptions>({
  id: 'goal-pin',
  version: 1,
  description: 'Copies the task instruction into the system prompt so the goal stays in view on every turn.',
  dimension: 'memory',
  optionsSchema: goalPinOptionsSchema,
  create(options) {
    return {
      taskStart(args): TaskStartPatch {
        return {
          type: 'task-start',
          systemPrompt: pinGoal(args.systemPrompt, args.episode.task.instruction, options),
        };
      },
    };
  },
});
