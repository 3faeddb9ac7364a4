/**
 * The stable codes of every `SandboxError` the sandbox raises. Callers (the runtime's
 * processor-error events, the gate's build-and-smoke rule, the critic) branch on the code, never
 * on the message.
 */
import { SandboxError } from '../errors.ts';

export const SANDBOX_ERROR_CODES = [
  /** A call or the load ran past its deadline or instruction budget, or the hard limit. */
  'SANDBOX_TIMEOUT',
  /** The sandbox's memory limit was reached. */
  'SANDBOX_MEMORY',
  /** The sandbox's stack limit was reached (runaway recursion). */
  'SANDBOX_STACK_OVERFLOW',
  /** The source does not parse. */
  'SANDBOX_SYNTAX',
  /** The processor threw (or its top-level code did). */
  'SANDBOX_THROWN',
  /** A hook returned something other than `undefined` or a plain, JSON-serialisable patch object. */
  'SANDBOX_BAD_RESULT',
  /** The source defines no global `processor` object, or it declares no hook. */
  'SANDBOX_NO_PROCESSOR',
  /** The source's global `meta` is not a valid `{ dimension, description, order? }`. */
  'SANDBOX_BAD_META',
  /** `code.sha256` is not the sha256 of `code.source`. */
  'SANDBOX_HASH_MISMATCH',
  /** The source reaches for host objects (`process`, `require`, `globalThis`, ...): see host-access-scan.ts. */
  'SANDBOX_HOST_ACCESS',
  /** The source is empty, too long or not JavaScript. */
  'SANDBOX_BAD_SOURCE',
  /** The processor's options or a hook's arguments cannot cross the boundary (not JSON, too large). */
  'SANDBOX_BAD_INPUT',
  /** An earlier limit breach disabled the processor for the rest of the episode. */
  'SANDBOX_DISABLED',
  /** The session was closed (the episode ended) before the call. */
  'SANDBOX_CLOSED',
  /** The sandbox worker died or the QuickJS instance failed; the host is unaffected. */
  'SANDBOX_CRASHED',
] as const;

export type SandboxErrorCode = (typeof SANDBOX_ERROR_CODES)[number];

const KNOWN_CODES: ReadonlySet<string> = new Set(SANDBOX_ERROR_CODES);

/** Breaches after which a session is disabled for the rest of its episode. */
export const FATAL_SANDBOX_CODES: ReadonlySet<SandboxErrorCode> = new Set([
  'SANDBOX_TIMEOUT',
  'SANDBOX_MEMORY',
  'SANDBOX_STACK_OVERFLOW',
  'SANDBOX_CRASHED',
]);

/** A `SandboxError` with one of the stable codes. */
export function sandboxError(code: SandboxErrorCode, message: string, cause?: unknown): SandboxError {
  return new SandboxError(message, { code, ...(cause === undefined ? {} : { cause }) });
}

/** Reads a code that came back from the worker; anything unknown is reported as a crash. */
export function toSandboxErrorCode(code: unknown): SandboxErrorCode {
  return typeof code === 'string' && KNOWN_CODES.has(code) ? (code as SandboxErrorCode) : 'SANDBOX_CRASHED';
}
