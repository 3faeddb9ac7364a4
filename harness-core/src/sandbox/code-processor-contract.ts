/**
 * What a code processor is, from the sandbox's side: the hooks it may define, the `meta` it may
 * declare, and the hash that pins its source.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { HOOK_NAMES, type HookName } from '../harness/hooks.ts';
import { PROCESSOR_DIMENSIONS } from '../harness/processor.ts';
import type { ProcessorRef } from '../harness/spec.ts';
import { sandboxError } from './sandbox-errors.ts';

/** A harness processor reference that carries code. */
export type CodeProcessorRef = Extract<ProcessorRef, { code: unknown }>;

/** The hooks a code processor may define, in execution order. */
export const CODE_PROCESSOR_HOOKS = HOOK_NAMES;

/** The nine dimensions a code processor's `meta` may name. */
export const CODE_PROCESSOR_DIMENSIONS = PROCESSOR_DIMENSIONS;

/** Longest source the sandbox accepts (the harness spec allows the same). */
export const MAX_CODE_PROCESSOR_SOURCE_CHARS = 200_000;

/** The optional global `meta` a code processor's source may define. */
export const codeProcessorMetaSchema = z
  .object({
    dimension: z.enum(CODE_PROCESSOR_DIMENSIONS),
    description: z.string().min(1).max(500),
    order: z.enum(['pre', 'normal', 'post']).optional(),
  })
  .strict();

export type CodeProcessorMeta = z.output<typeof codeProcessorMetaSchema>;

/** What loading a code processor in the sandbox revealed: its declared hooks and `meta`. */
export interface CodeProcessorInspection {
  /** Hooks the `processor` object defines as functions, in execution order. */
  readonly hooks: readonly HookName[];
  /** The validated global `meta`, or `undefined` when the source defines none. */
  readonly meta: CodeProcessorMeta | undefined;
}

/** Lower-case hex sha256 of the source text (UTF-8), the value `code.sha256` must hold. */
export function sha256Hex(source: string): string {
  return createHash('sha256').update(source, 'utf8').digest('hex');
}

/**
 * Checks the parts of a code reference that need no sandbox: language, length and the hash.
 * @throws SandboxError `SANDBOX_BAD_SOURCE` or `SANDBOX_HASH_MISMATCH`.
 */
export function verifyCodeProcessorRef(ref: CodeProcessorRef): void {
  const { language, source, sha256 } = ref.code;
  if (language !== 'js') {
    throw sandboxError('SANDBOX_BAD_SOURCE', `code processor "${ref.id}" is ${String(language)}, not js`);
  }
  if (source.trim().length === 0 || source.length > MAX_CODE_PROCESSOR_SOURCE_CHARS) {
    throw sandboxError(
      'SANDBOX_BAD_SOURCE',
      `code processor "${ref.id}" has ${source.length} characters of source; expected 1 to ${MAX_CODE_PROCESSOR_SOURCE_CHARS}`,
    );
  }
  const actual = sha256Hex(source);
  if (actual !== sha256) {
    throw sandboxError(
      'SANDBOX_HASH_MISMATCH',
      `code processor "${ref.id}" declares sha256 ${sha256} but its source hashes to ${actual}`,
    );
  }
}
