/**
 * `add-verification`: adds `verify-before-finish`, which answers the first finish call(s) with the
 * task instruction and a request to check each condition against what was observed. Its own
 * operator (not just `add-processor`) because verification is the lever the critic protects: the
 * manifest then says plainly that verification was added, with which options.
 */
import { z } from 'zod';
import type { HarnessSpec } from '../../../harness/spec.ts';
import { addProcessor } from './add-processor.ts';
import {
  defineCatalogueOperator,
  type OperatorResult,
  parseOperatorParams,
  underOperator,
} from './catalogue-operator.ts';

export const ADD_VERIFICATION = 'add-verification';
export const VERIFICATION_PROCESSOR_ID = 'verify-before-finish';

export const addVerificationParamsSchema = z
  .object({
    /** `verify-before-finish` options (checked against its schema), e.g. `{ maxChecks: 2 }`. */
    options: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export type AddVerificationParams = z.input<typeof addVerificationParamsSchema>;

/** Adds verification before finishing (pure). */
export function addVerification(spec: HarnessSpec, params: AddVerificationParams): OperatorResult {
  const { options } = parseOperatorParams(ADD_VERIFICATION, addVerificationParamsSchema, params);
  return underOperator(ADD_VERIFICATION, () =>
    addProcessor(spec, { id: VERIFICATION_PROCESSOR_ID, options }),
  );
}

export const addVerificationOperator = defineCatalogueOperator({
  id: ADD_VERIFICATION,
  description: 'Add verify-before-finish (a check request before the episode may end).',
  kind: 'structural',
  paramsSchema: addVerificationParamsSchema,
  edit: addVerification,
});
