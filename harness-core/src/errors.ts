/**
 * One error hierarchy for the whole foundry. Every error carries a stable `code` so that callers
 * (CLI exit codes, queue redrive reasons, tests) can branch on it without parsing messages.
 */

export interface HarnessErrorOptions {
  cause?: unknown;
}

export class HarnessError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options: HarnessErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
  }
}

/** One problem found while validating an input: where it is and what was expected there. */
export interface InputIssue {
  /** JSON-pointer-like path inside the entity, e.g. `processors[2].options.maxRepeats`. */
  path: string;
  message: string;
}

/**
 * A bad input crossed a boundary (file, flag, model response, queue message). It names the
 * source (a file name or a description such as "model response from openai:gpt-4o"), the entity
 * kind and every issue with its path.
 */
export class InputError extends HarnessError {
  readonly source: string;
  readonly entity: string;
  readonly issues: readonly InputIssue[];
  constructor(
    entity: string,
    source: string,
    issues: readonly InputIssue[],
    options: HarnessErrorOptions & { code?: string } = {},
  ) {
    const detail = issues.map((issue) => `  - at ${issue.path || '(root)'}: ${issue.message}`).join('\n');
    super(options.code ?? 'INPUT_INVALID', `invalid ${entity} in ${source}:\n${detail}`, options);
    this.source = source;
    this.entity = entity;
    this.issues = issues;
  }
}

/** A processor returned a patch its hook does not permit, or broke its own contract. */
export class ProcessorContractError extends HarnessError {
  readonly processorId: string;
  readonly hook: string;
  constructor(processorId: string, hook: string, message: string, options: HarnessErrorOptions = {}) {
    super('PROCESSOR_CONTRACT', `processor "${processorId}" broke the ${hook} contract: ${message}`, options);
    this.processorId = processorId;
    this.hook = hook;
  }
}

/** A model answered, but with something we cannot use (malformed body, missing fields). */
export class ModelBehaviorError extends HarnessError {
  constructor(message: string, options: HarnessErrorOptions & { code?: string } = {}) {
    super(options.code ?? 'MODEL_BEHAVIOR', message, options);
  }
}

/** Generated code misbehaved in, or was rejected by, the sandbox. */
export class SandboxError extends HarnessError {
  constructor(message: string, options: HarnessErrorOptions & { code?: string } = {}) {
    super(options.code ?? 'SANDBOX', message, options);
  }
}

/** A failure that may succeed when tried again (429, 5xx, timeouts, connection resets). */
export class TransientError extends HarnessError {
  readonly isRetryable = true;
  /** Milliseconds the peer asked us to wait (e.g. from `Retry-After`), when it said. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: HarnessErrorOptions & { code?: string; retryAfterMs?: number } = {}) {
    super(options.code ?? 'TRANSIENT', message, options);
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Something is wrong with our own system or its environment (disk, configuration, a bug). */
export class SystemError extends HarnessError {
  constructor(message: string, options: HarnessErrorOptions & { code?: string } = {}) {
    super(options.code ?? 'SYSTEM', message, options);
  }
}

/** The operation was cancelled through an AbortSignal. */
export class AbortedError extends HarnessError {
  constructor(message = 'the operation was aborted', options: HarnessErrorOptions = {}) {
    super('ABORTED', message, options);
  }
}

export function isRetryable(error: unknown): boolean {
  return error instanceof TransientError;
}
