/**
 * The contract every catalogue operator follows: a pure function from a harness spec and validated
 * params to the edited spec and the list of changes it made. Operators never mutate their input,
 * never raise a budget and refuse a no-op, so every candidate differs from its parent by exactly
 * the edit its manifest names.
 */
import type { z } from 'zod';
import { InputError } from '../../../errors.ts';
import type { HarnessSpec } from '../../../harness/spec.ts';
import { parseWith } from '../../../schema.ts';
import type { Change } from '../../artifacts/candidate.ts';

/** The edited spec (a fresh object) and what changed, in the order the changes were made. */
export interface OperatorResult {
  spec: HarnessSpec;
  changes: Change[];
}

/** One catalogue operator: its id, whether it is a structural or a prompt edit, and its params schema. */
export interface CatalogueOperator<Params = unknown> {
  readonly id: string;
  readonly description: string;
  readonly kind: 'structural' | 'prompt';
  readonly paramsSchema: z.ZodType<Params>;
  /** Validates `params` against `paramsSchema`, then edits a copy of `spec`. */
  apply(spec: HarnessSpec, params: unknown): OperatorResult;
}

/** The entity name used in every error an operator raises. */
export function operatorEntity(operatorId: string): string {
  return `catalogue operator "${operatorId}"`;
}

/** An edit that cannot be made: names the operator, the param at fault and why. */
export function operatorError(operatorId: string, path: string, message: string): InputError {
  return new InputError(operatorEntity(operatorId), 'edit params', [{ path, message }]);
}

/** Parses operator params, reporting bad ones as an `InputError` at `params.<path>`. */
export function parseOperatorParams<S extends z.ZodType>(
  operatorId: string,
  schema: S,
  params: unknown,
): z.output<S> {
  return parseWith(schema, params, operatorEntity(operatorId), 'edit params');
}

/**
 * Wraps an operator's pure edit function (which validates its own params) as a catalogue entry
 * whose `apply` accepts params of unknown shape, as they come from a stored plan.
 */
export function defineCatalogueOperator<S extends z.ZodType>(definition: {
  id: string;
  description: string;
  kind: 'structural' | 'prompt';
  paramsSchema: S;
  edit: (spec: HarnessSpec, params: z.input<S>) => OperatorResult;
}): CatalogueOperator<z.output<S>> {
  return {
    id: definition.id,
    description: definition.description,
    kind: definition.kind,
    paramsSchema: definition.paramsSchema as z.ZodType<z.output<S>>,
    apply: (spec, params) => definition.edit(spec, params as z.input<S>),
  };
}

/**
 * Runs an edit made through another operator (e.g. `set-compaction` through `add-processor`) and
 * reports its failures under the outer operator's name, which is the one the plan asked for.
 */
export function underOperator<T>(operatorId: string, edit: () => T): T {
  try {
    return edit();
  } catch (error) {
    if (error instanceof InputError && error.entity !== operatorEntity(operatorId)) {
      throw new InputError(operatorEntity(operatorId), error.source, error.issues, { cause: error });
    }
    throw error;
  }
}
