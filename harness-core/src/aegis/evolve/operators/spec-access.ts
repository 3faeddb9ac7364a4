/**
 * Read helpers shared by the catalogue operators: built-in processor lookup, processor positions
 * and option validation. Every failure is an `InputError` naming the operator and the param.
 */
import { canonicalJson } from '../../../harness/canonical.ts';
import type { ProcessorDefinition } from '../../../harness/processor.ts';
import type { HarnessSpec, ProcessorRef } from '../../../harness/spec.ts';
import { builtinProcessors } from '../../../processors/index.ts';
import { zodIssuesToInputIssues } from '../../../schema.ts';
import { operatorError } from './catalogue-operator.ts';

const BUILTINS = new Map(builtinProcessors.map((definition) => [definition.id, definition]));

/** The built-in processor with this id, if any. */
export function builtinDefinition(id: string): ProcessorDefinition<unknown> | undefined {
  return BUILTINS.get(id);
}

/** The built-in processor with this id, or an error listing the known ones. */
export function requireBuiltin(operatorId: string, path: string, id: string): ProcessorDefinition<unknown> {
  const definition = BUILTINS.get(id);
  if (!definition) {
    throw operatorError(
      operatorId,
      path,
      `unknown processor "${id}"; known: ${[...BUILTINS.keys()].sort().join(', ')}`,
    );
  }
  return definition;
}

export function processorIndex(spec: HarnessSpec, id: string): number {
  return spec.processors.findIndex((ref) => ref.id === id);
}

/** The position of a processor that must be present, or an error saying it is not. */
export function requirePresent(operatorId: string, path: string, spec: HarnessSpec, id: string): number {
  const index = processorIndex(spec, id);
  if (index < 0) {
    const present = spec.processors.map((ref) => ref.id).join(', ') || 'none';
    throw operatorError(operatorId, path, `processor "${id}" is not in the harness (present: ${present})`);
  }
  return index;
}

export function requireAbsent(
  operatorId: string,
  path: string,
  spec: HarnessSpec,
  id: string,
  hint: string,
): void {
  if (processorIndex(spec, id) >= 0)
    throw operatorError(operatorId, path, `processor "${id}" is already in the harness; ${hint}`);
}

/** The processor already holding `definition`'s singleton group, if another one does. */
export function singletonHolder(
  spec: HarnessSpec,
  definition: ProcessorDefinition<unknown>,
  ignoreId?: string,
): string | undefined {
  const group = definition.singletonGroup;
  if (group === undefined) return undefined;
  const holder = spec.processors.find(
    (ref) =>
      ref.id !== ignoreId && ref.id !== definition.id && builtinDefinition(ref.id)?.singletonGroup === group,
  );
  return holder?.id;
}

/** Checks options against the processor's schema; the input form is kept (defaults stay implicit). */
export function checkProcessorOptions(
  operatorId: string,
  path: string,
  definition: ProcessorDefinition<unknown>,
  options: Record<string, unknown>,
): void {
  const parsed = definition.optionsSchema.safeParse(options);
  if (parsed.success) return;
  const issue = zodIssuesToInputIssues(parsed.error)[0];
  const at = issue?.path ? `${path}.${issue.path}` : path;
  throw operatorError(
    operatorId,
    at,
    `invalid options for "${definition.id}": ${issue?.message ?? 'rejected'}`,
  );
}

/** A built-in processor reference at the definition's current version. */
export function builtinRef(
  definition: ProcessorDefinition<unknown>,
  options: Record<string, unknown>,
): ProcessorRef {
  return { id: definition.id, version: definition.version, options };
}

/** A deep copy, so an operator never writes into the spec it was given. */
export function copySpec(spec: HarnessSpec): HarnessSpec {
  return structuredClone(spec);
}

/** Whether two JSON values are equal regardless of key order. */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** Where a new processor goes: before or after an anchor that must be present, else at the end. */
export function insertionIndex(
  operatorId: string,
  spec: HarnessSpec,
  anchor: { before?: string | undefined; after?: string | undefined },
): number {
  if (anchor.before !== undefined) return requirePresent(operatorId, 'params.before', spec, anchor.before);
  if (anchor.after !== undefined) return requirePresent(operatorId, 'params.after', spec, anchor.after) + 1;
  return spec.processors.length;
}
