/**
 * `set-memory`: sets the memory slot and the processor that implements it together, so they never
 * disagree. `episode` keeps `state-tracker-memory` in the harness (added, or re-configured when
 * tracker options are given); `none` removes it.
 */
import { z } from 'zod';
import type { HarnessSpec } from '../../../harness/spec.ts';
import type { Change } from '../../artifacts/candidate.ts';
import { addProcessor } from './add-processor.ts';
import {
  defineCatalogueOperator,
  type OperatorResult,
  operatorError,
  parseOperatorParams,
  underOperator,
} from './catalogue-operator.ts';
import { configureProcessor } from './configure-processor.ts';
import { removeProcessor } from './remove-processor.ts';
import { copySpec, processorIndex } from './spec-access.ts';

export const SET_MEMORY = 'set-memory';
export const MEMORY_PROCESSOR_ID = 'state-tracker-memory';

export const setMemoryParamsSchema = z
  .object({
    kind: z.enum(['none', 'episode']),
    /** `state-tracker-memory` options (checked against its schema); only with `episode`. */
    tracker: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .refine((params) => params.kind === 'episode' || params.tracker === undefined, {
    message: 'tracker options need kind "episode"',
    path: ['tracker'],
  });

export type SetMemoryParams = z.input<typeof setMemoryParamsSchema>;

function processorEdit(
  spec: HarnessSpec,
  kind: 'none' | 'episode',
  tracker: Record<string, unknown> | undefined,
) {
  const present = processorIndex(spec, MEMORY_PROCESSOR_ID) >= 0;
  if (kind === 'none') return present ? removeProcessor(spec, { id: MEMORY_PROCESSOR_ID }) : undefined;
  if (!present) return addProcessor(spec, { id: MEMORY_PROCESSOR_ID, options: tracker ?? {} });
  if (tracker !== undefined && Object.keys(tracker).length > 0)
    return configureProcessor(spec, { id: MEMORY_PROCESSOR_ID, options: tracker });
  return undefined;
}

/** Sets the memory slot and its processor (pure). */
export function setMemory(spec: HarnessSpec, params: SetMemoryParams): OperatorResult {
  const { kind, tracker } = parseOperatorParams(SET_MEMORY, setMemoryParamsSchema, params);
  const changes: Change[] = [];
  let next = copySpec(spec);
  if (spec.slots.memory.kind !== kind) {
    next.slots.memory.kind = kind;
    changes.push({
      kind: 'set-memory',
      target: 'slots.memory.kind',
      before: spec.slots.memory.kind,
      after: kind,
    });
  }
  const edit = underOperator(SET_MEMORY, () => processorEdit(next, kind, tracker));
  if (edit) {
    next = edit.spec;
    changes.push(...edit.changes);
  }
  if (changes.length === 0)
    throw operatorError(
      SET_MEMORY,
      'params.kind',
      `memory is already "${kind}" with these options; nothing would change`,
    );
  return { spec: next, changes };
}

export const setMemoryOperator = defineCatalogueOperator({
  id: SET_MEMORY,
  description: 'Set the memory slot and add, re-configure or remove state-tracker-memory to match.',
  kind: 'structural',
  paramsSchema: setMemoryParamsSchema,
  edit: setMemory,
});
