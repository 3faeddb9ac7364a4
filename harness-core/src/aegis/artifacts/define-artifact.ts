/**
 * Every AEGIS stage input and output is a versioned artifact with one schema. `defineArtifact`
 * gives each the same `parse` (throws `InputError`) / `safeParse` (returns a result) pair, with
 * prototype-pollution keys rejected before the schema runs.
 */
import type { z } from 'zod';
import { InputError } from '../../errors.ts';
import { findForbiddenKeys, type SafeParseResult, safeParseWith } from '../../schema.ts';

export interface ArtifactCodec<S extends z.ZodType> {
  readonly schemaVersion: string;
  readonly schema: S;
  parse(value: unknown, source?: string): z.output<S>;
  safeParse(value: unknown, source?: string): SafeParseResult<z.output<S>>;
}

export function defineArtifact<S extends z.ZodType>(schemaVersion: string, schema: S): ArtifactCodec<S> {
  const entity = schemaVersion;
  const safeParse = (value: unknown, source = entity): SafeParseResult<z.output<S>> => {
    const forbidden = findForbiddenKeys(value);
    if (forbidden.length > 0) return { success: false, error: new InputError(entity, source, forbidden) };
    return safeParseWith(schema, value, entity, source);
  };
  return {
    schemaVersion,
    schema,
    safeParse,
    parse(value, source) {
      const result = safeParse(value, source);
      if (!result.success) throw result.error;
      return result.data;
    },
  };
}
