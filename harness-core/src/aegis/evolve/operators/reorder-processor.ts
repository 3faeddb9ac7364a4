/**
 * `reorder-processor`: moves one processor just before or just after another. The registry orders
 * processors by rank (`pre`, `normal`, `post`), then `after` constraints, then list position, so a
 * move only matters between processors of the same rank; a move that leaves the run order as it
 * was is refused rather than shipped as a phantom edit.
 */
import { z } from 'zod';
import type { HarnessSpec } from '../../../harness/spec.ts';
import {
  defineCatalogueOperator,
  type OperatorResult,
  operatorError,
  parseOperatorParams,
} from './catalogue-operator.ts';
import { resolvedProcessorOrder } from './resolve-processor-order.ts';
import { copySpec, requirePresent } from './spec-access.ts';

export const REORDER_PROCESSOR = 'reorder-processor';

export const reorderProcessorParamsSchema = z
  .object({
    id: z.string().min(1),
    before: z.string().min(1).optional(),
    after: z.string().min(1).optional(),
  })
  .strict()
  .refine((params) => (params.before === undefined) !== (params.after === undefined), {
    message: 'give exactly one of "before" and "after"',
    path: ['before'],
  });

export type ReorderProcessorParams = z.input<typeof reorderProcessorParamsSchema>;

/** Moves a processor next to another one (pure). */
export function reorderProcessor(spec: HarnessSpec, params: ReorderProcessorParams): OperatorResult {
  const { id, before, after } = parseOperatorParams(REORDER_PROCESSOR, reorderProcessorParamsSchema, params);
  const anchorPath = before === undefined ? 'params.after' : 'params.before';
  const anchor = (before ?? after) as string;
  const from = requirePresent(REORDER_PROCESSOR, 'params.id', spec, id);
  requirePresent(REORDER_PROCESSOR, anchorPath, spec, anchor);
  if (anchor === id)
    throw operatorError(REORDER_PROCESSOR, anchorPath, 'a processor cannot move next to itself');

  const next = copySpec(spec);
  const [moved] = next.processors.splice(from, 1);
  const anchorIndex = next.processors.findIndex((ref) => ref.id === anchor);
  next.processors.splice(before === undefined ? anchorIndex + 1 : anchorIndex, 0, moved!);

  const orderBefore = resolvedProcessorOrder(spec);
  const orderAfter = resolvedProcessorOrder(next);
  if (orderBefore.join(',') === orderAfter.join(',')) {
    throw operatorError(
      REORDER_PROCESSOR,
      'params.id',
      `moving "${id}" ${before === undefined ? 'after' : 'before'} "${anchor}" leaves the run order unchanged (${orderBefore.join(' -> ')}): their order ranks or "after" constraints decide it`,
    );
  }
  return {
    spec: next,
    changes: [{ kind: 'reorder-processor', target: id, before: orderBefore, after: orderAfter }],
  };
}

export const reorderProcessorOperator = defineCatalogueOperator({
  id: REORDER_PROCESSOR,
  description: 'Move one processor before or after another (same order rank only).',
  kind: 'structural',
  paramsSchema: reorderProcessorParamsSchema,
  edit: reorderProcessor,
});
