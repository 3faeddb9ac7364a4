/** `remove-processor`: removes one processor (built-in or evolved code) that is present. */
import { z } from 'zod';
import type { HarnessSpec } from '../../../harness/spec.ts';
import { defineCatalogueOperator, type OperatorResult, parseOperatorParams } from './catalogue-operator.ts';
import { copySpec, requirePresent } from './spec-access.ts';

export const REMOVE_PROCESSOR = 'remove-processor';

export const removeProcessorParamsSchema = z.object({ id: z.string().min(1) }).strict();

export type RemoveProcessorParams = z.input<typeof removeProcessorParamsSchema>;

/** Removes a processor (pure). */
export function removeProcessor(spec: HarnessSpec, params: RemoveProcessorParams): OperatorResult {
  const { id } = parseOperatorParams(REMOVE_PROCESSOR, removeProcessorParamsSchema, params);
  const index = requirePresent(REMOVE_PROCESSOR, 'params.id', spec, id);
  const next = copySpec(spec);
  const [removed] = next.processors.splice(index, 1);
  return { spec: next, changes: [{ kind: 'remove-processor', target: id, before: removed }] };
}

export const removeProcessorOperator = defineCatalogueOperator({
  id: REMOVE_PROCESSOR,
  description: 'Remove one processor.',
  kind: 'structural',
  paramsSchema: removeProcessorParamsSchema,
  edit: removeProcessor,
});
