/**
 * `swap-processor`: replaces one built-in processor by another in the same place. The two must be
 * interchangeable: the same singleton group when the outgoing one has a group (two compaction
 * strategies), else the same dimension. A swap is one edit, not a removal plus an unrelated
 * addition, so the critic and the report see one lever.
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
  requireAbsent,
  requireBuiltin,
  requirePresent,
  singletonHolder,
} from './spec-access.ts';

export const SWAP_PROCESSOR = 'swap-processor';

export const swapProcessorParamsSchema = z
  .object({
    from: z.string().min(1),
    to: z.string().min(1),
    /** Options of the incoming processor (checked against its schema). */
    options: z.record(z.string(), z.unknown()).default({}),
  })
  .strict()
  .refine((params) => params.from !== params.to, {
    message: 'a processor cannot replace itself',
    path: ['to'],
  });

export type SwapProcessorParams = z.input<typeof swapProcessorParamsSchema>;

/** Replaces one processor by an interchangeable one at the same position (pure). */
export function swapProcessor(spec: HarnessSpec, params: SwapProcessorParams): OperatorResult {
  const { from, to, options } = parseOperatorParams(SWAP_PROCESSOR, swapProcessorParamsSchema, params);
  const index = requirePresent(SWAP_PROCESSOR, 'params.from', spec, from);
  const outgoingRef = spec.processors[index]!;
  if ('code' in outgoingRef)
    throw operatorError(
      SWAP_PROCESSOR,
      'params.from',
      `"${from}" is an evolved code processor; use remove-processor`,
    );
  const outgoing = requireBuiltin(SWAP_PROCESSOR, 'params.from', from);
  const incoming = requireBuiltin(SWAP_PROCESSOR, 'params.to', to);
  requireAbsent(SWAP_PROCESSOR, 'params.to', spec, to, 'nothing to swap in');
  const interchangeable =
    outgoing.singletonGroup !== undefined
      ? incoming.singletonGroup === outgoing.singletonGroup
      : incoming.dimension === outgoing.dimension;
  if (!interchangeable) {
    const why =
      outgoing.singletonGroup !== undefined
        ? `"${from}" is in singleton group "${outgoing.singletonGroup}" and "${to}" is not`
        : `"${from}" acts on ${outgoing.dimension} and "${to}" on ${incoming.dimension}`;
    throw operatorError(SWAP_PROCESSOR, 'params.to', `not interchangeable: ${why}`);
  }
  const holder = singletonHolder(spec, incoming, from);
  if (holder !== undefined)
    throw operatorError(
      SWAP_PROCESSOR,
      'params.to',
      `"${holder}" already holds group "${incoming.singletonGroup}"`,
    );
  checkProcessorOptions(SWAP_PROCESSOR, 'params.options', incoming, options);
  const next = copySpec(spec);
  const ref = builtinRef(incoming, structuredClone(options));
  next.processors[index] = ref;
  return {
    spec: next,
    changes: [
      { kind: 'remove-processor', target: from, before: outgoingRef },
      { kind: 'add-processor', target: to, after: ref },
    ],
  };
}

export const swapProcessorOperator = defineCatalogueOperator({
  id: SWAP_PROCESSOR,
  description: 'Replace a processor by an interchangeable one (same singleton group, else same dimension).',
  kind: 'structural',
  paramsSchema: swapProcessorParamsSchema,
  edit: swapProcessor,
});
