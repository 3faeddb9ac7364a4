/**
 * A cross-process lock held as a file. Taking it is an `O_EXCL` create (exactly one process wins),
 * retried with jittered exponential backoff; the file names its holder (pid, host, a random token,
 * the time it was taken) so that a lock left behind by a crashed process can be taken over: at
 * once when its holder pid is dead on this host, otherwise once it is older than `staleAfterMs`.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TransientError } from '../../errors.ts';
import { errorCode } from './atomic-file.ts';

export interface FileLockOptions {
  /** How long to keep retrying before giving up with a `TransientError` (default 10 s). */
  acquireTimeoutMs?: number;
  /** A lock file older than this is presumed abandoned and taken over (default 15 s). */
  staleAfterMs?: number;
  /** First retry delay; doubles up to `maxRetryDelayMs` (defaults 2 ms and 100 ms). */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
}

/** What a lock file says about its holder. */
export interface FileLockHolder {
  pid: number;
  hostname: string;
  token: string;
  acquiredAt: string;
}

/** Handed to the critical section: lets it check, just before committing, that it still holds the lock. */
export interface FileLockGuard {
  /** Throws a `TransientError` (code `LOCK_LOST`) when another process has taken the lock over. */
  assertHeld(): Promise<void>;
}

interface ObservedLock {
  raw: string;
  modifiedMs: number;
  holder: FileLockHolder | undefined;
}

const DEFAULTS = { acquireTimeoutMs: 10_000, staleAfterMs: 15_000, retryDelayMs: 2, maxRetryDelayMs: 100 };

function parseHolder(raw: string): FileLockHolder | undefined {
  try {
    const value = JSON.parse(raw) as Partial<FileLockHolder>;
    if (
      typeof value.pid === 'number' &&
      typeof value.hostname === 'string' &&
      typeof value.token === 'string' &&
      typeof value.acquiredAt === 'string'
    ) {
      return value as FileLockHolder;
    }
  } catch {
    // Empty or half-written: the holder may be between its create and its write. Judged by mtime.
  }
  return undefined;
}

async function observe(path: string): Promise<ObservedLock | undefined> {
  try {
    const [raw, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    return { raw, modifiedMs: info.mtimeMs, holder: parseHolder(raw) };
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return errorCode(error) === 'EPERM';
  }
}

function isAbandoned(lock: ObservedLock, staleAfterMs: number): boolean {
  const takenAt = lock.holder ? Date.parse(lock.holder.acquiredAt) : lock.modifiedMs;
  if (!Number.isFinite(takenAt) || Date.now() - takenAt > staleAfterMs) return true;
  const holder = lock.holder;
  return holder !== undefined && holder.hostname === hostname() && !isProcessAlive(holder.pid);
}

const sameLock = (left: ObservedLock, right: ObservedLock): boolean =>
  left.raw === right.raw && left.modifiedMs === right.modifiedMs;

/**
 * Removes an abandoned lock, under a second, short-lived guard file so that takers cannot race each
 * other: without it, a taker that judged the old lock stale could delete the fresh lock another
 * taker has just created. Under the guard, the lock is removed only if it is still exactly the file
 * that was judged abandoned. Returns whether it was removed.
 */
async function takeOver(path: string, judged: ObservedLock, staleAfterMs: number): Promise<boolean> {
  const guardPath = `${path}.takeover`;
  try {
    await (await open(guardPath, 'wx')).close();
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
    // Someone else is taking over now. A guard this old was left by a crash inside the takeover.
    const info = await stat(guardPath).catch(() => undefined);
    if (info !== undefined && Date.now() - info.mtimeMs > staleAfterMs) await rm(guardPath, { force: true });
    return false;
  }
  try {
    const current = await observe(path);
    if (current === undefined || !sameLock(current, judged)) return false;
    await rm(path, { force: true });
    return true;
  } finally {
    await rm(guardPath, { force: true });
  }
}

async function tryCreate(path: string, holder: FileLockHolder): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'wx');
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EEXIST') return false;
    if (code !== 'ENOENT') throw error;
    await mkdir(dirname(path), { recursive: true });
    return false;
  }
  try {
    await handle.writeFile(JSON.stringify(holder));
  } catch (error) {
    // A lock we could not finish writing would otherwise block everyone until it went stale.
    await handle.close();
    await rm(path, { force: true });
    throw error;
  }
  await handle.close();
  return true;
}

async function acquire(path: string, settings: typeof DEFAULTS): Promise<FileLockHolder> {
  const deadline = Date.now() + settings.acquireTimeoutMs;
  let delay = settings.retryDelayMs;
  for (;;) {
    const holder = {
      pid: process.pid,
      hostname: hostname(),
      token: randomUUID(),
      acquiredAt: new Date().toISOString(),
    };
    if (await tryCreate(path, holder)) return holder;
    const current = await observe(path);
    if (current === undefined) continue;
    if (
      isAbandoned(current, settings.staleAfterMs) &&
      (await takeOver(path, current, settings.staleAfterMs))
    ) {
      continue;
    }
    if (Date.now() >= deadline) {
      throw new TransientError(
        `lock ${path} is still held (${current.holder ? `pid ${current.holder.pid} on ${current.holder.hostname} since ${current.holder.acquiredAt}` : 'holder unknown'}) after ${settings.acquireTimeoutMs} ms`,
        { code: 'LOCK_TIMEOUT' },
      );
    }
    await sleep(delay * (0.5 + Math.random()));
    delay = Math.min(delay * 2, settings.maxRetryDelayMs);
  }
}

async function release(path: string, holder: FileLockHolder): Promise<void> {
  const current = await observe(path);
  // Taken over while we worked: the file is someone else's now and must stay.
  if (current?.holder?.token === holder.token) await rm(path, { force: true });
}

/**
 * Runs `work` while holding the lock file at `path`, and releases it afterwards (also on error).
 *
 * @example
 * await withFileLock('.harnessx/registry.json.lock', {}, async (guard) => {
 *   const next = transform(await readState());
 *   await guard.assertHeld();
 *   await writeState(next);
 * });
 */
export async function withFileLock<T>(
  path: string,
  options: FileLockOptions,
  work: (guard: FileLockGuard) => Promise<T>,
): Promise<T> {
  const settings = { ...DEFAULTS };
  for (const name of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    const value = options[name];
    if (value !== undefined) settings[name] = value;
  }
  const holder = await acquire(path, settings);
  const guard: FileLockGuard = {
    async assertHeld() {
      const current = await observe(path);
      if (current?.holder?.token !== holder.token) {
        throw new TransientError(`lock ${path} was taken over by another process`, { code: 'LOCK_LOST' });
      }
    },
  };
  try {
    return await work(guard);
  } finally {
    await release(path, holder);
  }
}
