/**
 * Retries with exponential backoff and jitter for `TransientError`s, honouring the wait a server
 * asked for. Every other error, and a caller's abort, ends the attempts at once.
 */
import { AbortedError, TransientError } from '../errors.ts';

/** Sleeps `ms`; rejects with `AbortedError` when `signal` fires first. */
export type SleepFunction = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface RetryAttemptInfo {
  /** 1-based number of the attempt that just failed. */
  attempt: number;
  error: TransientError;
  /** How long we wait before the next attempt. */
  delayMs: number;
}

export interface RetryOptions {
  /** Attempts after the first one; 0 disables retries. */
  maxRetries: number;
  /** Delay before the first retry, doubled each time (before jitter). Default 500. */
  baseDelayMs?: number;
  /** Upper bound on any one wait. Default 30 000. */
  maxDelayMs?: number;
  signal?: AbortSignal;
  /** Injectable for tests (e.g. to record the delays without waiting). */
  sleep?: SleepFunction;
  /** Random source in [0, 1) for the jitter; injectable so tests are deterministic. */
  random?: () => number;
  /** Called before each wait, for logging or metrics. */
  onRetry?: (info: RetryAttemptInfo) => void;
}

export const DEFAULT_RETRY_BASE_DELAY_MS = 500;
export const DEFAULT_RETRY_MAX_DELAY_MS = 30_000;

/** Default `SleepFunction`: a timer that an abort cuts short with an `AbortedError`. */
export const sleepWithAbort: SleepFunction = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortedError('aborted while waiting to retry', { cause: signal.reason }));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AbortedError('aborted while waiting to retry', { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * The wait before retry number `retryNumber` (1-based): "equal jitter" backoff, i.e. half of
 * `base * 2^(n-1)` plus a random share of the other half, capped by `maxDelayMs`. Equal rather
 * than full jitter so that a retry never fires almost immediately after a failure.
 */
export function computeBackoffDelayMs(
  retryNumber: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, retryNumber - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}

/**
 * Runs `fn` and retries it while it throws a `TransientError`, at most `maxRetries` times.
 *
 * A server's `retryAfterMs` is a floor: we never retry sooner than asked. When it asks for more
 * than `maxDelayMs`, we stop and rethrow its error instead of retrying early (the caller can
 * reschedule the work), so no single wait exceeds `maxDelayMs` either.
 *
 * @throws AbortedError when `signal` fires (before an attempt or during a wait); never retried.
 * @example
 * const result = await withRetries((attempt) => callServer(attempt), { maxRetries: 4, signal });
 */
export async function withRetries<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const baseDelayMs = options.baseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS;
  const maxDelayMs = options.maxDelayMs ?? DEFAULT_RETRY_MAX_DELAY_MS;
  const sleep = options.sleep ?? sleepWithAbort;
  const random = options.random ?? Math.random;
  const { signal } = options;
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(signal);
    try {
      return await fn(attempt);
    } catch (error) {
      if (!(error instanceof TransientError) || attempt > options.maxRetries) throw error;
      if (signal?.aborted) throw new AbortedError(undefined, { cause: error });
      const asked = error.retryAfterMs;
      if (asked !== undefined && asked > maxDelayMs) throw error;
      const delayMs = Math.max(computeBackoffDelayMs(attempt, baseDelayMs, maxDelayMs, random), asked ?? 0);
      options.onRetry?.({ attempt, error, delayMs });
      await sleep(delayMs, signal);
    }
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError(undefined, { cause: signal.reason });
}
