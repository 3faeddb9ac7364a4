/**
 * Shared schema helpers: every boundary parses with zod and turns failures into an `InputError`
 * that names the source, the entity and each path.
 */
import { z } from 'zod';
import { InputError, type InputIssue } from './errors.ts';

export type SafeParseResult<T> = { success: true; data: T } | { success: false; error: InputError };

export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

export function zodIssuesToInputIssues(error: z.ZodError): InputIssue[] {
  return error.issues.map((issue) => ({ path: formatIssuePath(issue.path), message: issue.message }));
}

/** Parses `value` with `schema`; on failure returns an `InputError` naming `entity` and `source`. */
export function safeParseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  entity: string,
  source: string,
): SafeParseResult<z.output<S>> {
  const result = schema.safeParse(value);
  if (result.success) return { success: true, data: result.data };
  return { success: false, error: new InputError(entity, source, zodIssuesToInputIssues(result.error)) };
}

/** Like `safeParseWith`, but throws the `InputError`. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  entity: string,
  source: string,
): z.output<S> {
  const result = safeParseWith(schema, value, entity, source);
  if (!result.success) throw result.error;
  return result.data;
}

/** Parses JSON text, reporting a syntax error as an `InputError` at the root. */
export function parseJsonText(text: string, entity: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(
      entity,
      source,
      [{ path: '', message: `not valid JSON (${(error as Error).message})` }],
      {
        cause: error,
      },
    );
  }
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Rejects prototype-pollution keys anywhere in a parsed document. JSON.parse keeps `__proto__`
 * as an own key, and a later spread or merge would turn it into a prototype write.
 */
export function findForbiddenKeys(value: unknown, path = ''): InputIssue[] {
  const issues: InputIssue[] = [];
  const visit = (node: unknown, at: string, depth: number): void => {
    if (depth > 200) {
      issues.push({ path: at, message: 'nesting deeper than 200 levels' });
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((item, index) => {
        visit(item, `${at}[${index}]`, depth + 1);
      });
    } else if (node !== null && typeof node === 'object') {
      for (const key of Object.keys(node)) {
        const next = at === '' ? key : `${at}.${key}`;
        if (FORBIDDEN_KEYS.has(key)) issues.push({ path: next, message: `forbidden key "${key}"` });
        else visit((node as Record<string, unknown>)[key], next, depth + 1);
      }
    }
  };
  visit(value, path, 0);
  return issues;
}

/** A string that compiles as a case-insensitive regular expression (option fields holding patterns). */
export const regexSourceSchema = z.string().refine(
  (source) => {
    try {
      new RegExp(source, 'i');
      return true;
    } catch {
      return false;
    }
  },
  { message: 'expected a valid regular expression' },
);
