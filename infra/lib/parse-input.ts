/** Zod parsing for infra's own inputs (construct props, CDK context), failing with an `InputError`. */
import { InputError } from '@harnessx/core';
import type { z } from 'zod';

export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  entity: string,
  source: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new InputError(
    entity,
    source,
    result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    })),
  );
}
