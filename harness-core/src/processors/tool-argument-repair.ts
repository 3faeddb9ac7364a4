/**
 * `tool-argument-repair`: small models often write tool arguments that are almost JSON, or JSON
 * that almost fits the tool's schema. This processor repairs what can be repaired unambiguously
 * (in the response, so the history shows the call that actually ran) and answers the rest with an
 * error that says exactly what was wrong and the shape expected, which a model can act on.
 */
import { z } from 'zod';
import type { ToolCallPatch } from '../harness/hooks.ts';
import { defineProcessor } from '../harness/processor.ts';
import type { ToolCall, ToolDefinition } from '../providers/model.ts';
import { fillTemplate } from './support/describe-action.ts';
import { repairJson } from './support/json-repair.ts';
import { conformToSchema, describeSchemaShape } from './support/json-schema-check.ts';

/** Options of `tool-argument-repair`; every field has a default, so `{}` parses. */
export const toolArgumentRepairOptionsSchema = z
  .object({
    /** Repair malformed JSON (quotes, commas, braces, fences, double encoding). */
    repairSyntax: z
      .boolean()
      .default(true)
      .describe('Repair malformed JSON (quotes, commas, braces, fences).'),
    /** Check the arguments against the tool's JSON schema and answer violations with an error. */
    validateSchema: z.boolean().default(true).describe("Check arguments against the tool's JSON schema."),
    /** Rename a misspelt key (`object_name`) to the one missing property it can only mean (`object`). */
    mapNearMissKeys: z
      .boolean()
      .default(true)
      .describe('Rename a misspelt key to the one property it can mean.'),
    /** Convert scalars given in the wrong type (`"3"` for a number) when the conversion is exact. */
    coerceTypes: z.boolean().default(true).describe('Convert scalars given in the wrong type when exact.'),
    /** Error for schema violations; `{tool}`, `{shape}` and `{problems}` are filled in. */
    schemaErrorTemplate: z
      .string()
      .min(1)
      .default('Error: {tool} expects {shape}; {problems}.')
      .describe('Error for schema violations; {tool}, {shape}, {problems}.'),
    /** Error for unrepairable JSON; `{tool}`, `{shape}` and `{problems}` are filled in. */
    syntaxErrorTemplate: z
      .string()
      .min(1)
      .default('Error: the arguments of {tool} are not valid JSON ({problems}); {tool} expects {shape}.')
      .describe('Error for unrepairable JSON; {tool}, {shape}, {problems}.'),
  })
  .strict();

/** `tool-argument-repair` options with defaults filled in. */
export type ToolArgumentRepairOptions = z.output<typeof toolArgumentRepairOptionsSchema>;

/** What became of one call's arguments. */
export type ArgumentRepairOutcome =
  | { kind: 'valid'; arguments: string; repairs: string[] }
  | { kind: 'invalid'; message: string; repairs: string[] };

/**
 * Repairs and validates one call's raw arguments against its tool (pure).
 * @example repairToolArguments('take', "{object: 'apple'}", takeTool, options)
 */
export function repairToolArguments(
  call: Pick<ToolCall, 'name' | 'arguments'>,
  tool: ToolDefinition,
  options: ToolArgumentRepairOptions,
): ArgumentRepairOutcome {
  // Only error messages need the shape; valid calls (the common case) skip describing it.
  const shape = () => describeSchemaShape(tool.parameters);
  let value: unknown;
  let repairs: string[] = [];
  if (options.repairSyntax) {
    const repaired = repairJson(call.arguments);
    if (!repaired.ok) {
      const message = fillTemplate(options.syntaxErrorTemplate, {
        tool: call.name,
        shape: shape(),
        problems: repaired.error,
      });
      return { kind: 'invalid', message, repairs: repaired.repairs };
    }
    value = repaired.value;
    repairs = repaired.repairs;
  } else {
    try {
      value = JSON.parse(call.arguments);
    } catch (error) {
      const problems = (error as Error).message;
      return {
        kind: 'invalid',
        message: fillTemplate(options.syntaxErrorTemplate, { tool: call.name, shape: shape(), problems }),
        repairs,
      };
    }
  }
  if (options.validateSchema) {
    const conformed = conformToSchema(value, tool.parameters, options);
    repairs = [...repairs, ...conformed.fixes];
    if (conformed.issues.length > 0) {
      const problems = conformed.issues.join('; ');
      return {
        kind: 'invalid',
        message: fillTemplate(options.schemaErrorTemplate, { tool: call.name, shape: shape(), problems }),
        repairs,
      };
    }
    value = conformed.value;
  }
  const text = repairs.length > 0 ? JSON.stringify(value) : call.arguments;
  return { kind: 'valid', arguments: text, repairs };
}

/** The `tool-argument-repair` processor (see the module comment for the failure it fixes). */
export const toolArgumentRepair = defineProcessor<ToolArgumentRepairOptions>({
  id: 'tool-argument-repair',
  version: 1,
  description:
    'Repairs malformed JSON tool arguments and near-miss keys; answers arguments that cannot be repaired with an error naming what was wrong and the expected shape.',
  dimension: 'tool-use',
  order: 'pre',
  optionsSchema: toolArgumentRepairOptionsSchema,
  create(options) {
    return {
      modelResponse(args) {
        let changed = false;
        const toolCalls = args.response.toolCalls.map((call) => {
          const tool = args.episode.tools.find((candidate) => candidate.name === call.name);
          if (!tool) return call;
          const outcome = repairToolArguments(call, tool, options);
          if (outcome.kind !== 'valid' || outcome.arguments === call.arguments) return call;
          changed = true;
          args.emit('tool-arguments-repaired', { tool: call.name, repairs: outcome.repairs.join('; ') });
          return { ...call, arguments: outcome.arguments };
        });
        return changed ? { type: 'response', toolCalls } : undefined;
      },
      toolCall(args): ToolCallPatch | undefined {
        if (!args.tool) return undefined;
        const outcome = repairToolArguments(args.call, args.tool, options);
        if (outcome.kind === 'invalid') {
          args.emit('tool-arguments-rejected', { tool: args.call.name, reason: outcome.message });
          return { type: 'tool-call', action: 'intercept', result: outcome.message, isError: true };
        }
        if (outcome.arguments !== args.call.arguments) {
          return { type: 'tool-call', action: 'rewrite', arguments: outcome.arguments };
        }
        return undefined;
      },
    };
  },
});
