import { describe, expect, it } from 'vitest';
import { AbortedError, SystemError, TransientError } from '../errors.ts';
import { computeBackoffDelayMs, sleepWithAbort, withRetries } from './retry.ts';

function scriptedAttempts<T>(outcomes: Array<T | Error>) {
  const attempts: number[] = [];
  const fn = async (attempt: number): Promise<T> => {
    attempts.push(attempt);
    const outcome = outcomes[attempt - 1];
    if (outcome instanceof Error) throw outcome;
    return outcome as T;
  };
  return { fn, attempts };
}

function recordingSleep() {
  const delays: number[] = [];
  return {
    delays,
    sleep: async (ms: number) => {
      delays.push(ms);
    },
  };
}

const transient = (retryAfterMs?: number) =>
  new TransientError('busy', { code: 'MODEL_SERVER_ERROR', retryAfterMs });

describe('withRetries', () => {
  it('returns the first success without waiting', async () => {
    const { fn, attempts } = scriptedAttempts(['ok']);
    const { sleep, delays } = recordingSleep();
    await expect(withRetries(fn, { maxRetries: 3, sleep })).resolves.toBe('ok');
    expect(attempts).toEqual([1]);
    expect(delays).toEqual([]);
  });

  it('retries transient errors with exponential delays', async () => {
    const { fn, attempts } = scriptedAttempts([transient(), transient(), transient(), 'ok']);
    const { sleep, delays } = recordingSleep();
    const result = await withRetries(fn, {
      maxRetries: 3,
      baseDelayMs: 100,
      maxDelayMs: 10_000,
      sleep,
      random: () => 0,
    });
    expect(result).toBe('ok');
    expect(attempts).toEqual([1, 2, 3, 4]);
    expect(delays).toEqual([50, 100, 200]);
  });

  it('applies jitter within [half, full] of the exponential delay and caps it by maxDelayMs', () => {
    expect(computeBackoffDelayMs(1, 100, 10_000, () => 0.999999)).toBe(100);
    expect(computeBackoffDelayMs(3, 100, 10_000, () => 0.5)).toBe(300);
    expect(computeBackoffDelayMs(10, 100, 1000, () => 1)).toBe(1000);
    expect(computeBackoffDelayMs(10, 100, 1000, () => 0)).toBe(500);
  });

  it('never retries sooner than Retry-After asks', async () => {
    const { fn } = scriptedAttempts([transient(1500), 'ok']);
    const { sleep, delays } = recordingSleep();
    await withRetries(fn, { maxRetries: 2, baseDelayMs: 10, maxDelayMs: 5000, sleep });
    expect(delays).toEqual([1500]);
  });

  it('gives up at once when Retry-After asks for more than maxDelayMs', async () => {
    const error = transient(60_000);
    const { fn, attempts } = scriptedAttempts([error, 'ok']);
    const { sleep, delays } = recordingSleep();
    await expect(withRetries(fn, { maxRetries: 5, maxDelayMs: 5000, sleep })).rejects.toBe(error);
    expect(attempts).toEqual([1]);
    expect(delays).toEqual([]);
  });

  it('rethrows the last transient error after maxRetries', async () => {
    const last = transient();
    const { fn, attempts } = scriptedAttempts([transient(), transient(), last]);
    const { sleep } = recordingSleep();
    await expect(withRetries(fn, { maxRetries: 2, sleep })).rejects.toBe(last);
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('does not retry other errors, aborts included', async () => {
    for (const error of [new SystemError('bad key'), new AbortedError(), new TypeError('bug')]) {
      const { fn, attempts } = scriptedAttempts([error, 'ok']);
      await expect(withRetries(fn, { maxRetries: 3, sleep: recordingSleep().sleep })).rejects.toBe(error);
      expect(attempts).toEqual([1]);
    }
  });

  it('reports each retry to onRetry', async () => {
    const { fn } = scriptedAttempts([transient(), 'ok']);
    const seen: Array<{ attempt: number; delayMs: number }> = [];
    await withRetries(fn, {
      maxRetries: 1,
      baseDelayMs: 40,
      random: () => 0,
      sleep: recordingSleep().sleep,
      onRetry: ({ attempt, delayMs }) => seen.push({ attempt, delayMs }),
    });
    expect(seen).toEqual([{ attempt: 1, delayMs: 20 }]);
  });

  it('stops with AbortedError when aborted before the first attempt', async () => {
    const { fn, attempts } = scriptedAttempts(['ok']);
    const controller = new AbortController();
    controller.abort();
    await expect(withRetries(fn, { maxRetries: 3, signal: controller.signal })).rejects.toBeInstanceOf(
      AbortedError,
    );
    expect(attempts).toEqual([]);
  });

  it('stops with AbortedError when aborted during a backoff wait', async () => {
    const { fn, attempts } = scriptedAttempts([transient(), 'ok']);
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 20);
    await expect(
      withRetries(fn, { maxRetries: 3, baseDelayMs: 5000, maxDelayMs: 10_000, signal: controller.signal }),
    ).rejects.toBeInstanceOf(AbortedError);
    expect(attempts).toEqual([1]);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('sleepWithAbort', () => {
  it('resolves after the delay and rejects at once on an aborted signal', async () => {
    await expect(sleepWithAbort(5)).resolves.toBeUndefined();
    await expect(sleepWithAbort(10_000, AbortSignal.abort())).rejects.toBeInstanceOf(AbortedError);
  });
});
