/**
 * `dangerous-tool-approval`: some tools change the world irreversibly (delete, pay, send), and a
 * model's call to them should not run unreviewed. Calls to tools matching `tools` are refused
 * (`deny`), let through only when their arguments match an allowed pattern (`allow-list`), or stop
 * the episode (`interrupt`) so a person can decide.
 */
import { z } from 'zod';
import type { InterruptPatch, ToolCallPatch } from '../harness/hooks.ts';
import { defineProcessor } from '../harness/processor.ts';
import { canonicalArguments, describeAction, fillTemplate } from './support/describe-action.ts';

const regexSource = z.string().refine(
  (source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'expected a valid regular expression' },
);

/** Options of `dangerous-tool-approval`; every field has a default, so `{}` parses. */
export const dangerousToolApprovalOptionsSchema = z
  .object({
    /** Tool names that need approval; `*` matches any run of characters, `?` one character. */
    tools: z
      .array(z.string().min(1))
      .default([])
      .describe('Tool names or globs (* and ?) that need approval.'),
    /** `deny` refuses every call; `allow-list` lets through calls whose arguments match; `interrupt` stops the episode. */
    policy: z
      .enum(['deny', 'allow-list', 'interrupt'])
      .default('deny')
      .describe('What happens to a matching call.'),
    /** For `allow-list`: regexes tested against the canonical (sorted-key) JSON of the arguments. */
    allowedArguments: z
      .array(regexSource)
      .default([])
      .describe('Regexes over canonical JSON arguments (allow-list).'),
    /** The refusal the model reads; `{action}` is filled in. */
    refusalTemplate: z
      .string()
      .min(1)
      .default(
        'Refused: {action} needs approval and was not run. Find another way to complete the task without it.',
      )
      .describe('The refusal the model reads; {action}.'),
  })
  .strict();

/** `dangerous-tool-approval` options with defaults filled in. */
export type DangerousToolApprovalOptions = z.output<typeof dangerousToolApprovalOptionsSchema>;

/** Compiles a glob (`*`, `?`) into an anchored regular expression (pure). */
export function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

/** The `dangerous-tool-approval` processor (see the module comment for the failure it fixes). */
export const dangerousToolApproval = defineProcessor<DangerousToolApprovalOptions>({
  id: 'dangerous-tool-approval',
  version: 1,
  description:
    'Calls to listed tools need approval: refused, allowed only for matching arguments, or the episode is interrupted.',
  dimension: 'control-flow-safety',
  order: 'pre',
  after: ['tool-argument-repair'],
  optionsSchema: dangerousToolApprovalOptionsSchema,
  create(options) {
    const toolPatterns = options.tools.map(globToRegExp);
    const allowed = options.allowedArguments.map((source) => new RegExp(source));
    return {
      toolCall(args): ToolCallPatch | InterruptPatch | undefined {
        if (!toolPatterns.some((pattern) => pattern.test(args.call.name))) return undefined;
        const action = describeAction(args.call.name, args.call.arguments);
        if (options.policy === 'allow-list') {
          const canonical = canonicalArguments(args.call.arguments);
          if (allowed.some((pattern) => pattern.test(canonical))) {
            args.emit('tool-approved', { tool: args.call.name });
            return undefined;
          }
        }
        args.emit('tool-refused', { tool: args.call.name, policy: options.policy });
        if (options.policy === 'interrupt') return { type: 'interrupt', reason: `${action} needs approval` };
        return {
          type: 'tool-call',
          action: 'intercept',
          result: fillTemplate(options.refusalTemplate, { action }),
          isError: true,
        };
      },
    };
  },
});
