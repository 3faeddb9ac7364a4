/**
 * The embedded `Registry`: a JSON file (`registry.json`) changed only under a lock file, so
 * compare-and-swap, leases, counters, fan-in sets and idempotency records stay correct across processes.
 * Reads need no lock: every write replaces the file atomically.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { HarnessError, InputError, SystemError, TransientError } from '../../errors.ts';
import type { Clock } from '../../ports/clock.ts';
import type { CurrentPointer, Registry } from '../../ports/registry.ts';
import { parseWith } from '../../schema.ts';
import { errorCode, writeFileAtomic } from './atomic-file.ts';
import { type FileLockOptions, withFileLock } from './file-lock.ts';
import { registryArgumentChecker } from './registry-arguments.ts';
import {
  emptyRegistryState,
  MAX_RECORD_VALUE_LENGTH,
  parseRegistryFile,
  type RegistryState,
  serializeRegistryFile,
} from './registry-file.ts';

/** Where the CLI keeps its registry when no path is given. */
export const DEFAULT_REGISTRY_PATH = '.harnessx/registry.json';

export interface FileRegistryOptions {
  /** Time for `updatedAt` stamps and lease expiry (default: the system clock). */
  clock?: Clock;
  /** How the lock file `<path>.lock` is taken. */
  lock?: FileLockOptions;
}

const positiveMs = z.number().int().positive().max(2_147_483_647);
const fileRegistryOptionsSchema = z
  .object({
    clock: z.custom<Clock>(
      (value) => typeof value === 'object' && value !== null && typeof (value as Clock).now === 'function',
      'expected an object with a now() method',
    ),
    lock: z
      .object({
        acquireTimeoutMs: positiveMs,
        staleAfterMs: positiveMs,
        retryDelayMs: positiveMs,
        maxRetryDelayMs: positiveMs,
      })
      .partial()
      .strict(),
  })
  .partial()
  .strict();

/** `ports/clock.ts` sits above adapters in DESIGN §2's map, so its `systemClock` value cannot be imported here. */
const wallClock: Clock = { now: () => new Date() };

/** JSON keys that a later merge could turn into a prototype write; the file format refuses them. */
const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
/** How often an operation is retried after another process took a stale lock over from under it. */
const LOCK_LOST_RETRIES = 3;

interface Mutation<T> {
  result: T;
  changed: boolean;
}

/**
 * A `Registry` stored in the JSON file at `path` (its folder is created on first write), guarded
 * by the lock file `<path>.lock`. A corrupt file raises an `InputError` naming the file and the path
 * inside it; a lock held too long by a live process raises a `TransientError` (`LOCK_TIMEOUT`).
 *
 * @example
 * const registry = createFileRegistry('.harnessx/registry.json');
 * if (await registry.acquireLease('cycle:household', 'host:4242', 60_000)) {
 *   const current = await registry.getCurrent('household');
 *   await registry.compareAndSetCurrent('household', current?.contentId, nextContentId);
 * }
 */
export function createFileRegistry(
  path: string = DEFAULT_REGISTRY_PATH,
  options: FileRegistryOptions = {},
): Registry {
  const settings = parseWith(
    fileRegistryOptionsSchema,
    options,
    'file registry options',
    'createFileRegistry',
  );
  const filePath = resolve(path);
  const lockPath = `${filePath}.lock`;
  const clock = settings.clock ?? wallClock;
  const source = `file registry ${filePath}`;
  /** Operations of this instance queue here, so they do not contend with each other for the lock file. */
  let queue: Promise<unknown> = Promise.resolve();

  const checkArguments = registryArgumentChecker(source, (value) =>
    RESERVED_NAMES.has(value) ? `"${value}" is reserved` : undefined,
  );

  const readState = async (): Promise<RegistryState> => {
    let text: string;
    try {
      text = await readFile(filePath, 'utf8');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return emptyRegistryState();
      throw new SystemError(`cannot read ${source}: ${(error as Error).message}`, {
        cause: error,
        code: 'REGISTRY_IO',
      });
    }
    return parseRegistryFile(text, filePath);
  };

  const attempt = async <T>(operation: (state: RegistryState, now: Date) => Mutation<T>): Promise<T> => {
    try {
      return await withFileLock(lockPath, settings.lock ?? {}, async (guard) => {
        const state = await readState();
        const { result, changed } = operation(state, clock.now());
        if (changed) {
          await guard.assertHeld();
          await writeFileAtomic(filePath, Buffer.from(serializeRegistryFile(state), 'utf8'));
        }
        return result;
      });
    } catch (error) {
      if (error instanceof HarnessError) throw error;
      throw new SystemError(`cannot update ${source}: ${(error as Error).message}`, {
        cause: error,
        code: 'REGISTRY_IO',
      });
    }
  };

  const mutate = <T>(operation: (state: RegistryState, now: Date) => Mutation<T>): Promise<T> => {
    const run = async (): Promise<T> => {
      for (let retry = 0; ; retry++) {
        try {
          return await attempt(operation);
        } catch (error) {
          if (!(error instanceof TransientError && error.code === 'LOCK_LOST') || retry >= LOCK_LOST_RETRIES)
            throw error;
        }
      }
    };
    const next = queue.then(run, run);
    queue = next.catch(() => undefined);
    return next;
  };

  return {
    async getCurrent(harnessName) {
      checkArguments({ harnessName });
      const pointer = (await readState()).current.get(harnessName);
      return pointer === undefined ? undefined : { ...pointer };
    },

    async compareAndSetCurrent(harnessName, expected, next) {
      checkArguments(expected === undefined ? { harnessName, next } : { harnessName, expected, next });
      return mutate((state, now) => {
        const pointer = state.current.get(harnessName);
        if (pointer?.contentId !== expected) return { result: false, changed: false };
        const moved: CurrentPointer = {
          contentId: next,
          version: (pointer?.version ?? 0) + 1,
          updatedAt: now.toISOString(),
        };
        state.current.set(harnessName, moved);
        return { result: true, changed: true };
      });
    },

    async acquireLease(name, owner, ttlMs) {
      const ttlValid = Number.isSafeInteger(ttlMs) && ttlMs > 0;
      checkArguments(
        { name, owner },
        ttlValid ? [] : [{ path: 'ttlMs', message: 'expected a positive integer' }],
      );
      return mutate((state, now) => {
        const lease = state.leases.get(name);
        if (lease && lease.owner !== owner && Date.parse(lease.expiresAt) > now.getTime()) {
          return { result: false, changed: false };
        }
        state.leases.set(name, { owner, expiresAt: new Date(now.getTime() + ttlMs).toISOString() });
        return { result: true, changed: true };
      });
    },

    async getLease(name) {
      checkArguments({ name });
      const lease = (await readState()).leases.get(name);
      return lease === undefined ? undefined : { ...lease };
    },

    async releaseLease(name, owner) {
      checkArguments({ name, owner });
      await mutate((state) => {
        if (state.leases.get(name)?.owner !== owner) return { result: undefined, changed: false };
        state.leases.delete(name);
        return { result: undefined, changed: true };
      });
    },

    async increment(counter, by = 1) {
      checkArguments(
        { counter },
        Number.isSafeInteger(by) ? [] : [{ path: 'by', message: 'expected an integer' }],
      );
      return mutate((state) => {
        const value = (state.counters.get(counter) ?? 0) + by;
        if (!Number.isSafeInteger(value)) {
          throw new InputError('registry argument', source, [
            { path: 'by', message: `counter "${counter}" would leave the safe integer range` },
          ]);
        }
        state.counters.set(counter, value);
        return { result: value, changed: by !== 0 };
      });
    },

    async recordFanIn(name, member) {
      checkArguments({ name, member });
      return mutate((state) => {
        const members = state.fanIn.get(name) ?? new Set<string>();
        if (members.has(member)) return { result: members.size, changed: false };
        members.add(member);
        state.fanIn.set(name, members);
        return { result: members.size, changed: true };
      });
    },

    async recordOnce(key, value) {
      const valueValid = typeof value === 'string' && value.length <= MAX_RECORD_VALUE_LENGTH;
      const valueIssues = valueValid
        ? []
        : [{ path: 'value', message: `expected a string of at most ${MAX_RECORD_VALUE_LENGTH} characters` }];
      checkArguments({ key }, valueIssues);
      return mutate((state, now) => {
        if (state.records.has(key)) return { result: false, changed: false };
        state.records.set(key, { value, recordedAt: now.toISOString() });
        return { result: true, changed: true };
      });
    },
  };
}
