/**
 * The host side of the sandbox boundary. Values cross it only as JSON text: hook arguments go in
 * without their functions, and whatever comes out (patches, the processor's description, trace
 * events) is size-capped, parsed on the host and checked for prototype-pollution keys before any
 * code here reads it.
 */
import { z } from 'zod';
import { findForbiddenKeys } from '../schema.ts';
import {
  CODE_PROCESSOR_HOOKS,
  type CodeProcessorInspection,
  type CodeProcessorMeta,
  codeProcessorMetaSchema,
} from './code-processor-contract.ts';
import { sandboxError } from './sandbox-errors.ts';

/** Names of the hook-context members that are functions and stay on the host. */
const HOST_ONLY_MEMBERS = new Set(['emit', 'random', 'sleep', 'execute']);

/**
 * The JSON text a sandboxed hook receives: the hook's data (episode view, messages, call,
 * result, ...) plus the processor's `options`, without the context's functions.
 * @throws SandboxError `SANDBOX_BAD_INPUT` when it is not serialisable or over `maxChars`.
 */
export function serializeHookArgs(
  hook: string,
  args: object,
  options: Readonly<Record<string, unknown>>,
  maxChars: number,
): string {
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    if (!HOST_ONLY_MEMBERS.has(key) && typeof value !== 'function') data[key] = value;
  }
  data['options'] = options;
  let text: string;
  try {
    text = JSON.stringify(data);
  } catch (error) {
    throw sandboxError('SANDBOX_BAD_INPUT', `the ${hook} arguments are not JSON-serialisable`, error);
  }
  if (text.length > maxChars) {
    throw sandboxError(
      'SANDBOX_BAD_INPUT',
      `the ${hook} arguments are ${text.length} characters of JSON, over the ${maxChars} limit`,
    );
  }
  return text;
}

/**
 * Checks that a processor's options can cross the boundary: JSON-serialisable, no
 * prototype-pollution keys.
 * @throws SandboxError `SANDBOX_BAD_INPUT`.
 */
export function checkProcessorOptions(processorId: string, options: unknown): Record<string, unknown> {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw sandboxError('SANDBOX_BAD_INPUT', `options of code processor "${processorId}" must be an object`);
  }
  let copy: unknown;
  try {
    copy = JSON.parse(JSON.stringify(options));
  } catch (error) {
    throw sandboxError(
      'SANDBOX_BAD_INPUT',
      `options of code processor "${processorId}" are not JSON-serialisable`,
      error,
    );
  }
  const forbidden = findForbiddenKeys(copy);
  if (forbidden.length > 0) {
    throw sandboxError(
      'SANDBOX_BAD_INPUT',
      `options of code processor "${processorId}" hold a forbidden key at ${forbidden[0]!.path}`,
    );
  }
  return copy as Record<string, unknown>;
}

/** Parses JSON that left the sandbox; rejects oversized text and prototype-pollution keys. */
export function parseSandboxJson(text: string, what: string, maxChars: number): unknown {
  if (text.length > maxChars) {
    throw sandboxError(
      'SANDBOX_BAD_RESULT',
      `${what} is ${text.length} characters, over the ${maxChars} limit`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw sandboxError('SANDBOX_BAD_RESULT', `${what} is not valid JSON`, error);
  }
  const forbidden = findForbiddenKeys(value);
  if (forbidden.length > 0) {
    throw sandboxError(
      'SANDBOX_BAD_RESULT',
      `${what} holds ${forbidden.map((issue) => `${issue.message} at ${issue.path}`).join(', ')}`,
    );
  }
  return value;
}

/** Parses a patch that left the sandbox: a plain object (the runtime checks it against the hook). */
export function parsePatchJson(text: string, hook: string, maxChars: number): Record<string, unknown> {
  const value = parseSandboxJson(text, `the patch returned by processor.${hook}`, maxChars);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw sandboxError('SANDBOX_BAD_RESULT', `processor.${hook} returned a value that is not a patch object`);
  }
  return value as Record<string, unknown>;
}

const descriptionSchema = z
  .object({
    hooks: z.array(z.enum(CODE_PROCESSOR_HOOKS)).max(CODE_PROCESSOR_HOOKS.length),
    meta: z.unknown(),
  })
  .strict();

/**
 * Reads the description a freshly loaded processor gave of itself.
 * @throws SandboxError `SANDBOX_NO_PROCESSOR` (no hooks) or `SANDBOX_BAD_META`.
 */
export function parseDescription(text: string, processorId: string): CodeProcessorInspection {
  const raw = parseSandboxJson(text, `the description of "${processorId}"`, 64 * 1024);
  const parsed = descriptionSchema.safeParse(raw);
  if (!parsed.success) {
    throw sandboxError('SANDBOX_CRASHED', `the sandbox described "${processorId}" in an unexpected shape`);
  }
  if (parsed.data.hooks.length === 0) {
    throw sandboxError(
      'SANDBOX_NO_PROCESSOR',
      `code processor "${processorId}" defines no hook; expected methods among ${CODE_PROCESSOR_HOOKS.join(', ')}`,
    );
  }
  let meta: CodeProcessorMeta | undefined;
  if (parsed.data.meta !== null) {
    const checked = codeProcessorMetaSchema.safeParse(parsed.data.meta);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw sandboxError(
        'SANDBOX_BAD_META',
        `code processor "${processorId}" has an invalid meta at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
      );
    }
    meta = checked.data;
  }
  const declared = new Set(parsed.data.hooks);
  return { hooks: CODE_PROCESSOR_HOOKS.filter((hook) => declared.has(hook)), meta };
}

const emitSchema = z.tuple([
  z
    .string()
    .max(64)
    .regex(/^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$/),
  z
    .record(
      z.string().regex(/^[A-Za-z][A-Za-z0-9._-]{0,63}$/),
      z.union([z.string().max(1024), z.number().finite(), z.boolean()]),
    )
    .refine((attributes) => Object.keys(attributes).length <= 16, 'at most 16 attributes')
    .refine(
      (attributes) =>
        Object.keys(attributes).every(
          (key) =>
            !key.startsWith('processor.') && !key.startsWith('gen_ai.') && !key.startsWith('harnessx.'),
        ),
      'reserved attribute prefix',
    ),
]);

/** A trace event a sandboxed hook emitted, re-validated on the host. */
export type SandboxEmit = [name: string, attributes: Record<string, string | number | boolean>];

/** Re-checks the events the worker accepted; the worker is ours, but the data is the processor's. */
export function parseEmits(value: unknown, maxEmits: number): SandboxEmit[] {
  const parsed = z.array(emitSchema).max(maxEmits).safeParse(value);
  if (!parsed.success)
    throw sandboxError('SANDBOX_BAD_RESULT', 'the processor emitted malformed trace events');
  return parsed.data;
}
