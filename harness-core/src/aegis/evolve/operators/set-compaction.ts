/**
 * `set-compaction`: sets the thresholds of `context-compaction`: re-configures it when present,
 * adds it with these thresholds when not. When another processor holds the compaction singleton
 * group, the edit is refused (that is `swap-processor`'s job).
 */
import { z } from 'zod';
import type { HarnessSpec } from '../../../harness/spec.ts';
import { addProcessor } from './add-processor.ts';
import {
  defineCatalogueOperator,
  type OperatorResult,
  operatorError,
  parseOperatorParams,
  underOperator,
} from './catalogue-operator.ts';
import { configureProcessor } from './configure-processor.ts';
import { builtinDefinition, processorIndex, singletonHolder } from './spec-access.ts';

export const SET_COMPACTION = 'set-compaction';
export const COMPACTION_PROCESSOR_ID = 'context-compaction';

export const setCompactionParamsSchema = z
  .object({
    /** Compact only above this many estimated history tokens. */
    maxContextTokens: z.number().int().min(100).optional(),
    /** Recent turns kept verbatim. */
    keepRecentTurns: z.number().int().min(1).max(100).optional(),
    /** Older assistant text is cut to this length. */
    assistantMaxChars: z.number().int().min(0).optional(),
    /** Characters of an older result's first line kept in its stub. */
    stubPreviewChars: z.number().int().min(0).max(500).optional(),
  })
  .strict()
  .refine((params) => Object.values(params).some((value) => value !== undefined), {
    message: 'expected at least one threshold',
  });

export type SetCompactionParams = z.input<typeof setCompactionParamsSchema>;

/** Adds or re-configures context compaction (pure). */
export function setCompaction(spec: HarnessSpec, params: SetCompactionParams): OperatorResult {
  const thresholds = parseOperatorParams(SET_COMPACTION, setCompactionParamsSchema, params);
  const options = Object.fromEntries(Object.entries(thresholds).filter(([, value]) => value !== undefined));
  if (processorIndex(spec, COMPACTION_PROCESSOR_ID) >= 0) {
    return underOperator(SET_COMPACTION, () =>
      configureProcessor(spec, { id: COMPACTION_PROCESSOR_ID, options }),
    );
  }
  const holder = singletonHolder(spec, builtinDefinition(COMPACTION_PROCESSOR_ID)!);
  if (holder !== undefined)
    throw operatorError(SET_COMPACTION, '', `"${holder}" already compacts the context; use swap-processor`);
  return underOperator(SET_COMPACTION, () => addProcessor(spec, { id: COMPACTION_PROCESSOR_ID, options }));
}

export const setCompactionOperator = defineCatalogueOperator({
  id: SET_COMPACTION,
  description: 'Add context compaction with these thresholds, or re-configure it when present.',
  kind: 'structural',
  paramsSchema: setCompactionParamsSchema,
  edit: setCompaction,
});
