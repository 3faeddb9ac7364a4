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
  // Only error messages need the shape (`describeSchemaShape`); valid calls, the common case, skip it.
  let value: unknown;
  let repairs: string[] = [];
  if (options.repairSyntax) {
    const repaired = repairJson(call.arguments);
    if (!repaired.ok) {
      const message = fillTemplate(options.syntaxErrorTemplate, {
        tool: call.name,
        shape: describeSchemaShape(tool.parameters),
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
        message: fillTemplate(options.syntaxErrorTemplate, {
          tool: call.name,
          shape: describeSchemaShape(tool.parameters),
          problems,
        }),
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
        message: fillTemplate(options.schemaErrorTemplate, {
          tool: call.name,
          shape: describeSchemaShape(tool.parameters),
          problems,
        }),
        repairs,
      };
    }
    value = conformed.value;
  }
  const text = repairs.length > 0 ? JSON.stringify(value) : call.arguments;
  return { kind: 'valid', arguments: text, repairs };
}

/** The first tool called `name`, as `Array.prototype.find` would return it. */
function toolNamed(tools: readonly ToolDefinition[], name: string): ToolDefinition | undefined {
  for (const tool of tools) if (tool.name === name) return tool;
  return undefined;
}

type RepairOutcomes = WeakMap<ToolDefinition, Map<string, ArgumentRepairOutcome>>;

/**
 * `repairToolArguments`, remembered per episode: the outcome depends only on the tool (which the
 * runtime deep-freezes), its name and the argument text, and the same call is checked twice.
 */
function repairOnce(
  outcomes: RepairOutcomes,
  call: Pick<ToolCall, 'name' | 'arguments'>,
  tool: ToolDefinition,
  options: ToolArgumentRepairOptions,
): ArgumentRepairOutcome {
  if (call.name !== tool.name || !Object.isFrozen(tool)) return repairToolArguments(call, tool, options);
  let byArguments = outcomes.get(tool);
  if (!byArguments) {
    byArguments = new Map();
    outcomes.set(tool, byArguments);
  }
  let outcome = byArguments.get(call.arguments);
  if (!outcome) {
    outcome = repairToolArguments(call, tool, options);
    byArguments.set(call.arguments, outcome);
  }
  return outcome;
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
    // The same call is checked in `modelResponse` and again in `toolCall`.
    const outcomes: RepairOutcomes = new WeakMap();
    return {
      modelResponse(args) {
        const calls = args.response.toolCalls;
        // The patched list is copied only once a call changes: on most turns none does.
        let toolCalls: ToolCall[] | undefined;
        for (let index = 0; index < calls.length; index++) {
          const call = calls[index]!;
          const tool = toolNamed(args.episode.tools, call.name);
          if (!tool) continue;
          const outcome = repairOnce(outcomes, call, tool, options);
          if (outcome.kind !== 'valid' || outcome.arguments === call.arguments) continue;
          args.emit('tool-arguments-repaired', { tool: call.name, repairs: outcome.repairs.join('; ') });
          toolCalls ??= [...calls];
          toolCalls[index] = { ...call, arguments: outcome.arguments };
        }
        return toolCalls ? { type: 'response', toolCalls } : undefined;
      },
      toolCall(args): ToolCallPatch | undefined {
        if (!args.tool) return undefined;
        const outcome = repairOnce(outcomes, args.call, args.tool, options);
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
