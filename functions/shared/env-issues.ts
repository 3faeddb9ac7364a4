/**
 * Turns a zod failure into the project's `InputError`, so every boundary in functions/ reports
 * problems the same way the core does (entity, source, one issue per path).
 */
import { InputError } from '@harnessx/core';
import type { z } from 'zod';

/** `rename` maps a schema path to the name a person would have to fix (e.g. an env variable). */
export function inputErrorFromZod(
  error: z.ZodError,
  entity: string,
  source: string,
  rename: Readonly<Record<string, string>> = {},
): InputError {
  return new InputError(
    entity,
    source,
    error.issues.map((issue) => {
      const path = issue.path.map(String).join('.');
      return { path: rename[path] ?? path, message: issue.message };
    }),
  );
}
