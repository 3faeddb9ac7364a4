/**
 * `enable-tool`: adds one tool name to `slots.tools.enabled` when the harness restricts its tools.
 * The spec cannot know an environment's tool names, so the name is taken as given; a name the
 * environment lacks is simply never offered.
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

export const ENABLE_TOOL = 'enable-tool';

export const enableToolParamsSchema = z.object({ tool: z.string().min(1).max(128) }).strict();

export type EnableToolParams = z.input<typeof enableToolParamsSchema>;

/** Enables one tool (pure). */
export function enableTool(spec: HarnessSpec, params: EnableToolParams): OperatorResult {
  const { tool } = parseOperatorParams(ENABLE_TOOL, enableToolParamsSchema, params);
  const enabled = spec.slots.tools.enabled;
  if (enabled === 'all')
    throw operatorError(ENABLE_TOOL, 'params.tool', 'every tool is already enabled ("all")');
  if (enabled.includes(tool))
    throw operatorError(ENABLE_TOOL, 'params.tool', `tool "${tool}" is already enabled`);
  const next = copySpec(spec);
  const after = [...enabled, tool];
  next.slots.tools.enabled = after;
  return {
    spec: next,
    changes: [{ kind: 'set-tools', target: 'slots.tools.enabled', before: enabled, after }],
  };
}

export const enableToolOperator = defineCatalogueOperator({
  id: ENABLE_TOOL,
  description: 'Enable one more tool when the harness restricts its tool list.',
  kind: 'structural',
  paramsSchema: enableToolParamsSchema,
  edit: enableTool,
});
