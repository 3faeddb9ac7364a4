/**
 * `append-system-prompt`: the prompt-edit operator. Appends one paragraph to the system prompt.
 * The text must be general guidance: the critic rejects task ids or expected answers in a prompt
 * (leakage), so the catalogue's own texts name no task, object or place.
 */
import { z } from 'zod';
import type { HarnessSpec } from '../../../harness/spec.ts';
import {
  defineCatalogueOperator,
  type OperatorResult,
  operatorError,
  parseOperatorParams,
} from './catalogue-operator.ts';
import { copySpec } from './spec-access.ts';

export const APPEND_SYSTEM_PROMPT = 'append-system-prompt';
/** The system prompt's own limit in the harness schema. */
const SYSTEM_PROMPT_MAX_CHARS = 100_000;

export const appendSystemPromptParamsSchema = z
  .object({
    text: z
      .string()
      .max(2000)
      .refine((text) => text.trim().length > 0, { message: 'expected non-blank text' }),
  })
  .strict();

export type AppendSystemPromptParams = z.input<typeof appendSystemPromptParamsSchema>;

/** Appends a paragraph to the system prompt (pure). */
export function appendSystemPrompt(spec: HarnessSpec, params: AppendSystemPromptParams): OperatorResult {
  const text = parseOperatorParams(APPEND_SYSTEM_PROMPT, appendSystemPromptParamsSchema, params).text.trim();
  const before = spec.slots.systemPrompt;
  if (before.includes(text))
    throw operatorError(APPEND_SYSTEM_PROMPT, 'params.text', 'the system prompt already contains this text');
  const after = before.trim() === '' ? text : `${before.trimEnd()}\n\n${text}`;
  if (after.length > SYSTEM_PROMPT_MAX_CHARS) {
    throw operatorError(
      APPEND_SYSTEM_PROMPT,
      'params.text',
      `the system prompt would grow to ${after.length} characters (limit ${SYSTEM_PROMPT_MAX_CHARS})`,
    );
  }
  const next = copySpec(spec);
  next.slots.systemPrompt = after;
  return {
    spec: next,
    changes: [{ kind: 'set-system-prompt', target: 'slots.systemPrompt', before, after }],
  };
}

export const appendSystemPromptOperator = defineCatalogueOperator({
  id: APPEND_SYSTEM_PROMPT,
  description: 'Append one paragraph of general guidance to the system prompt.',
  kind: 'prompt',
  paramsSchema: appendSystemPromptParamsSchema,
  edit: appendSystemPrompt,
});
