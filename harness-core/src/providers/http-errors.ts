/**
 * One mapping from HTTP outcomes to the error hierarchy, shared by every HTTP model adapter, so
 * that retry policy and CLI exit codes do not depend on which provider answered.
 */
import { AbortedError, type HarnessError, SystemError, TransientError } from '../errors.ts';

/** Stable error codes the HTTP adapters raise. */
export const MODEL_ERROR_CODES = {
  rateLimited: 'MODEL_RATE_LIMITED',
  serverError: 'MODEL_SERVER_ERROR',
  timeout: 'MODEL_TIMEOUT',
  unreachable: 'MODEL_UNREACHABLE',
  auth: 'MODEL_AUTH',
  requestRejected: 'MODEL_REQUEST_REJECTED',
  transport: 'MODEL_TRANSPORT',
} as const;

/**
 * Parses a `Retry-After` header: delay-seconds or an HTTP-date. Returns milliseconds (0 for a
 * date in the past) or `undefined` when absent or unreadable.
 */
export function parseRetryAfterMs(
  value: string | null | undefined,
  nowMs: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  // Date.parse takes bare numbers ("-5") as years; an HTTP-date always names a month or weekday.
  if (!/[A-Za-z]{3}/.test(trimmed)) return undefined;
  const dateMs = Date.parse(trimmed);
  if (Number.isNaN(dateMs)) return undefined;
  return Math.max(0, dateMs - nowMs);
}

/** AWS error types that mean "try again later" whatever the status says. */
const TRANSIENT_AWS_ERROR_TYPES = new Set([
  'ThrottlingException',
  'ServiceUnavailableException',
  'ModelNotReadyException',
  'ModelTimeoutException',
  'InternalServerException',
]);

/** AWS error types that mean the credentials or their permissions are wrong. */
const AUTH_AWS_ERROR_TYPES = new Set([
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'IncompleteSignatureException',
  'MissingAuthenticationTokenException',
]);

export interface HttpErrorResponseDetails {
  status: number;
  /** Where the request went, e.g. `openai-compatible POST http://127.0.0.1:8000/v1/chat/completions`. */
  source: string;
  retryAfterMs?: number;
  /** The server's own explanation, extracted from its error body. */
  serverMessage?: string;
  /** A typed error name, e.g. AWS's `x-amzn-ErrorType` (`ThrottlingException`). */
  errorType?: string;
}

/**
 * Maps a non-2xx answer: 429 → rate limited and 5xx → server error (both transient), 408 → timeout,
 * 401/403 → auth, other statuses → request rejected. A known AWS error type wins over the status.
 */
export function errorFromHttpResponse(details: HttpErrorResponseDetails): HarnessError {
  const { status, source, retryAfterMs, serverMessage, errorType } = details;
  const said = serverMessage ? `: ${serverMessage}` : '';
  const typed = errorType ? ` ${errorType}` : '';
  const message = `${source} answered HTTP ${status}${typed}${said}`;
  if (errorType === 'ThrottlingException' || (status === 429 && !AUTH_AWS_ERROR_TYPES.has(errorType ?? ''))) {
    return new TransientError(message, { code: MODEL_ERROR_CODES.rateLimited, retryAfterMs });
  }
  if (errorType !== undefined && AUTH_AWS_ERROR_TYPES.has(errorType)) {
    return new SystemError(message, { code: MODEL_ERROR_CODES.auth });
  }
  if (errorType === 'ModelTimeoutException' || status === 408) {
    return new TransientError(message, { code: MODEL_ERROR_CODES.timeout, retryAfterMs });
  }
  if (status >= 500 || (errorType !== undefined && TRANSIENT_AWS_ERROR_TYPES.has(errorType))) {
    return new TransientError(message, { code: MODEL_ERROR_CODES.serverError, retryAfterMs });
  }
  if (status === 401 || status === 403) return new SystemError(message, { code: MODEL_ERROR_CODES.auth });
  return new SystemError(message, { code: MODEL_ERROR_CODES.requestRejected });
}

/** Socket-level error codes (Node and undici) that a later attempt may not meet again. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
]);

export interface FetchFailureContext {
  source: string;
  timeoutMs: number;
  /** The caller's own signal: when it fired, the failure is an abort, not a timeout. */
  callerSignal?: AbortSignal;
  /** The per-attempt timeout signal. */
  timeoutSignal: AbortSignal;
}

/**
 * Maps an exception thrown by `fetch` (or while reading its body): caller abort → `AbortedError`,
 * our timeout → `MODEL_TIMEOUT`, connection refused/reset → `MODEL_UNREACHABLE`, anything else →
 * `SystemError` (`MODEL_TRANSPORT`).
 */
export function errorFromFetchFailure(error: unknown, context: FetchFailureContext): HarnessError {
  const { source, timeoutMs, callerSignal, timeoutSignal } = context;
  if (callerSignal?.aborted) return new AbortedError(`${source}: aborted by the caller`, { cause: error });
  if (timeoutSignal.aborted || isNamedError(error, 'TimeoutError')) {
    return new TransientError(`${source}: no answer within ${timeoutMs} ms`, {
      code: MODEL_ERROR_CODES.timeout,
      cause: error,
    });
  }
  const code = findErrorCode(error);
  if ((code !== undefined && UNREACHABLE_CODES.has(code)) || isFetchFailedTypeError(error)) {
    return new TransientError(`${source}: cannot reach the server (${code ?? describe(error)})`, {
      code: MODEL_ERROR_CODES.unreachable,
      cause: error,
    });
  }
  return new SystemError(`${source}: request failed: ${describe(error)}`, {
    code: MODEL_ERROR_CODES.transport,
    cause: error,
  });
}

/** Pulls a human message out of common error bodies (OpenAI, vLLM, FastAPI, AWS), else the raw text. */
export function extractServerMessage(bodyText: string, maxLength = 500): string | undefined {
  const trimmed = bodyText.trim();
  if (trimmed === '') return undefined;
  let found: string | undefined;
  try {
    const body: unknown = JSON.parse(trimmed);
    found = messageFromErrorBody(body);
  } catch {
    found = undefined;
  }
  const text = found ?? trimmed;
  return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
}

function messageFromErrorBody(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return typeof body === 'string' ? body : undefined;
  const record = body as Record<string, unknown>;
  for (const key of ['error', 'message', 'Message', 'detail']) {
    const value = record[key];
    if (typeof value === 'string' && value !== '') return value;
    if (value !== null && typeof value === 'object') {
      const nested = messageFromErrorBody(value);
      if (nested !== undefined) return nested;
    }
  }
  return undefined;
}

function findErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function isNamedError(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

// undici reports every network-level failure as `TypeError: fetch failed` with the reason in `cause`.
function isFetchFailedTypeError(error: unknown): boolean {
  return error instanceof TypeError && error.message === 'fetch failed';
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
