/**
 * Command-line flags are an input boundary like any file: parsed with `node:util` in strict mode,
 * then validated with a schema, so a bad flag yields an `InputError` naming the flag.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { z } from 'zod';
import { InputError } from '../errors.ts';

export interface ParsedCommandLine<T> {
  values: T;
  positionals: string[];
}

export function parseCommandLine<S extends z.ZodType>(
  command: string,
  argv: string[],
  options: NonNullable<ParseArgsConfig['options']>,
  schema: S,
  allowPositionals = false,
): ParsedCommandLine<z.output<S>> {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals }) as typeof parsed;
  } catch (error) {
    throw new InputError('command-line flags', `harnessx ${command}`, [
      { path: '', message: (error as Error).message },
    ]);
  }
  const result = schema.safeParse(parsed.values);
  if (!result.success) {
    throw new InputError(
      'command-line flags',
      `harnessx ${command}`,
      result.error.issues.map((issue) => ({
        path: issue.path.length > 0 ? `--${String(issue.path[0])}` : '',
        message: issue.message,
      })),
    );
  }
  return { values: result.data, positionals: parsed.positionals };
}
