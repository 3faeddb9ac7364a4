/**
 * `plan-first`: on long tasks a small model forgets sub-goals it has not reached yet. This
 * processor asks it, in the system prompt, to write a short numbered plan before acting and to
 * restate the plan with the next step in every reply, so the remaining steps stay in view.
 *
 * Dimension: `control-flow-safety`, not `verification`: the plan shapes the order in which the
 * agent acts; it checks no result (that is what `verify-before-finish` does).
 */
import { z } from 'zod';
import type { TaskStartPatch } from '../harness/hooks.ts';
import { defineProcessor } from '../harness/processor.ts';

/** Options of `plan-first`; every field has a default, so `{}` parses. */
export const planFirstOptionsSchema = z
  .object({
    /** The planning instruction appended to the system prompt. */
    instruction: z
      .string()
      .min(1)
      .default(
        'Before your first action, write a short numbered plan of the steps the task needs. In every reply after that, restate the plan, mark the steps already done, and say which step you are doing next.',
      )
      .describe('The planning instruction appended to the system prompt.'),
  })
  .strict();

/** `plan-first` options with defaults filled in. */
export type PlanFirstOptions = z.output<typeof planFirstOptionsSchema>;

/** The system prompt with the planning instruction appended (pure). */
export function appendPlanInstruction(systemPrompt: string, instruction: string): string {
  return systemPrompt.trim() === '' ? instruction : `${systemPrompt}\n\n${instruction}`;
}

/** The `plan-first` processor (see the module comment for the failure it fixes). */
export const planFirst = defineProcessor<PlanFirstOptions>({
  id: 'plan-first',
  version: 1,
  description:
    'Asks the model to write a short numbered plan before acting and to restate it with the next step in every reply.',
  dimension: 'control-flow-safety',
  optionsSchema: planFirstOptionsSchema,
  create(options) {
    return {
      taskStart(args): TaskStartPatch {
        return {
          type: 'task-start',
          systemPrompt: appendPlanInstruction(args.systemPrompt, options.instruction),
        };
      },
    };
  },
});
