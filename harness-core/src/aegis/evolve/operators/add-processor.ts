/**
 * `add-processor`: adds one built-in processor, with validated options, at the end of the list or
 * next to an anchor. Refuses an unknown id, a processor already present (re-configure it instead)
 * and a second member of a singleton group (swap instead).
 */
import { z } from 'zod';
import type { HarnessSpec } from '../../../harness/spec.ts';
import {
  defineCatalogueOperator,
  type OperatorResult,
  operatorError,
  parseOperatorParams,
} from './catalogue-operator.ts';
import {
  builtinRef,
  checkProcessorOptions,
  copySpec,
  insertionIndex,
  requireAbsent,
  requireBuiltin,
  singletonHolder,
} from './spec-access.ts';

export const ADD_PROCESSOR = 'add-processor';

export const addProcessorParamsSchema = z
  .object({
    /** Built-in processor id. */
    id: z.string().min(1),
    /** Options in input form; checked against the processor's options schema. */
    options: z.record(z.string(), z.unknown()).default({}),
    /** Insert before this processor (which must be present). */
    before: z.string().min(1).optional(),
    /** Insert after this processor (which must be present). */
    after: z.string().min(1).optional(),
  })
  .strict()
  .refine((params) => params.before === undefined || params.after === undefined, {
    message: 'give "before" or "after", not both',
    path: ['before'],
  });

export type AddProcessorParams = z.input<typeof addProcessorParamsSchema>;

/** Adds a built-in processor (pure: the input spec is not changed). */
export function addProcessor(spec: HarnessSpec, params: AddProcessorParams): OperatorResult {
  const { id, options, before, after } = parseOperatorParams(ADD_PROCESSOR, addProcessorParamsSchema, params);
  const definition = requireBuiltin(ADD_PROCESSOR, 'params.id', id);
  requireAbsent(ADD_PROCESSOR, 'params.id', spec, id, 'use configure-processor to change its options');
  const holder = singletonHolder(spec, definition);
  if (holder !== undefined) {
    throw operatorError(
      ADD_PROCESSOR,
      'params.id',
      `"${id}" and "${holder}" share singleton group "${definition.singletonGroup}"; use swap-processor`,
    );
  }
  checkProcessorOptions(ADD_PROCESSOR, 'params.options', definition, options);
  const next = copySpec(spec);
  const ref = builtinRef(definition, structuredClone(options));
  next.processors.splice(insertionIndex(ADD_PROCESSOR, spec, { before, after }), 0, ref);
  return { spec: next, changes: [{ kind: 'add-processor', target: id, after: ref }] };
}

export const addProcessorOperator = defineCatalogueOperator({
  id: ADD_PROCESSOR,
  description: 'Add one built-in processor with validated options.',
  kind: 'structural',
  paramsSchema: addProcessorParamsSchema,
  edit: addProcessor,
});
