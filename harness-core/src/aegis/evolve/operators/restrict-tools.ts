/**
 * `restrict-tools`: narrows `slots.tools.enabled` to the given names. It only narrows: from
 * `all` to a list, or from a list to a strict subset of it (widening is `enable-tool`'s job, one
 * tool at a time, so each widening is its own audited edit).
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

export const RESTRICT_TOOLS = 'restrict-tools';

export const restrictToolsParamsSchema = z
  .object({
    tools: z
      .array(z.string().min(1).max(128))
      .min(1)
      .max(256)
      .refine((tools) => new Set(tools).size === tools.length, { message: 'expected distinct tool names' }),
  })
  .strict();

export type RestrictToolsParams = z.input<typeof restrictToolsParamsSchema>;

/** Restricts the enabled tools (pure). */
export function restrictTools(spec: HarnessSpec, params: RestrictToolsParams): OperatorResult {
  const { tools } = parseOperatorParams(RESTRICT_TOOLS, restrictToolsParamsSchema, params);
  const enabled = spec.slots.tools.enabled;
  if (enabled !== 'all') {
    const outside = tools.filter((tool) => !enabled.includes(tool));
    if (outside.length > 0) {
      throw operatorError(
        RESTRICT_TOOLS,
        'params.tools',
        `${outside.map((tool) => `"${tool}"`).join(', ')} not enabled now; restrict-tools only narrows (use enable-tool)`,
      );
    }
    if (tools.length === enabled.length)
      throw operatorError(
        RESTRICT_TOOLS,
        'params.tools',
        'these are exactly the tools enabled now; nothing would change',
      );
  }
  const next = copySpec(spec);
  const after = [...tools];
  next.slots.tools.enabled = after;
  return {
    spec: next,
    changes: [{ kind: 'set-tools', target: 'slots.tools.enabled', before: enabled, after }],
  };
}

export const restrictToolsOperator = defineCatalogueOperator({
  id: RESTRICT_TOOLS,
  description: 'Narrow the enabled tools to a given list (never widens).',
  kind: 'structural',
  paramsSchema: restrictToolsParamsSchema,
  edit: restrictTools,
});
