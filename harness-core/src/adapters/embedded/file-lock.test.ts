import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TransientError } from '../../errors.ts';
import { type FileLockHolder, withFileLock } from './file-lock.ts';

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

const holderFile = (holder: Partial<FileLockHolder>): string =>
  JSON.stringify({
    pid: process.pid,
    hostname: hostname(),
    token: 'other',
    acquiredAt: new Date().toISOString(),
    ...holder,
  });

describe('withFileLock', () => {
  let folder = '';
  let lockPath = '';

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'harnessx-file-lock-'));
    lockPath = join(folder, 'registry.json.lock');
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('writes its holder (pid, host, token, time) into the lock file and removes it afterwards', async () => {
    const before = Date.now();
    const seen = await withFileLock(lockPath, {}, async () => JSON.parse(await readFile(lockPath, 'utf8')));
    expect(seen).toMatchObject({ pid: process.pid, hostname: hostname() });
    expect(typeof seen.token).toBe('string');
    expect(Date.parse(seen.acquiredAt)).toBeGreaterThanOrEqual(before - 1);
    expect(await readdir(folder)).toEqual([]);
  });

  it('releases the lock when the work throws', async () => {
    await expect(
      withFileLock(lockPath, {}, async () => {
        throw new Error('work failed');
      }),
    ).rejects.toThrow('work failed');
    expect(await readdir(folder)).toEqual([]);
  });

  it('creates the lock folder when missing', async () => {
    const nested = join(folder, 'deep', 'er', 'x.lock');
    await expect(withFileLock(nested, {}, async () => 'done')).resolves.toBe('done');
  });

  it('runs critical sections one at a time', async () => {
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 12 }, () =>
        withFileLock(lockPath, {}, async () => {
          inside++;
          most = Math.max(most, inside);
          await sleep(2);
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
  });

  it('waits for a live holder and gives up with TransientError LOCK_TIMEOUT', async () => {
    await writeFile(lockPath, holderFile({}));
    const started = Date.now();
    const error = await withFileLock(lockPath, { acquireTimeoutMs: 150 }, async () => 'never').catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).code).toBe('LOCK_TIMEOUT');
    expect((error as TransientError).message).toContain(`pid ${process.pid}`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(JSON.parse(await readFile(lockPath, 'utf8')).token).toBe('other');
  });

  it('proceeds as soon as a live holder lets go', async () => {
    await writeFile(lockPath, holderFile({}));
    setTimeout(() => void rm(lockPath), 60);
    await expect(withFileLock(lockPath, { acquireTimeoutMs: 5_000 }, async () => 'got it')).resolves.toBe(
      'got it',
    );
  });

  it('takes over at once a lock whose holder process is dead on this host', async () => {
    await writeFile(lockPath, holderFile({ pid: await deadPid() }));
    const started = Date.now();
    await expect(withFileLock(lockPath, { acquireTimeoutMs: 5_000 }, async () => 'taken over')).resolves.toBe(
      'taken over',
    );
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await readdir(folder)).toEqual([]);
  });

  it('takes over a lock older than staleAfterMs even when its holder looks alive', async () => {
    await writeFile(lockPath, holderFile({ acquiredAt: new Date(Date.now() - 60_000).toISOString() }));
    await expect(
      withFileLock(lockPath, { staleAfterMs: 30_000, acquireTimeoutMs: 1_000 }, async () => 1),
    ).resolves.toBe(1);
  });

  it('does not presume a lock on another host dead by its pid', async () => {
    await writeFile(lockPath, holderFile({ pid: await deadPid(), hostname: `not-${hostname()}` }));
    const error = await withFileLock(lockPath, { acquireTimeoutMs: 100 }, async () => 1).catch(
      (caught: unknown) => caught,
    );
    expect((error as TransientError).code).toBe('LOCK_TIMEOUT');
  });

  it('judges an unreadable lock file by its age', async () => {
    await writeFile(lockPath, '');
    const fresh = await withFileLock(lockPath, { acquireTimeoutMs: 100 }, async () => 1).catch(
      (caught: unknown) => caught,
    );
    expect((fresh as TransientError).code).toBe('LOCK_TIMEOUT');
    const old = new Date(Date.now() - 60_000);
    await utimes(lockPath, old, old);
    await expect(withFileLock(lockPath, { staleAfterMs: 30_000 }, async () => 2)).resolves.toBe(2);
  });

  it('lets exactly one of many concurrent takers of a stale lock hold it at a time', async () => {
    const pid = await deadPid();
    for (let round = 0; round < 15; round++) {
      await writeFile(lockPath, holderFile({ pid }));
      let inside = 0;
      let most = 0;
      let runs = 0;
      await Promise.all(
        Array.from({ length: 10 }, () =>
          withFileLock(lockPath, { maxRetryDelayMs: 10 }, async () => {
            inside++;
            most = Math.max(most, inside);
            await sleep(1);
            inside--;
            runs++;
          }),
        ),
      );
      expect({ round, most, runs }).toEqual({ round, most: 1, runs: 10 });
    }
    expect(await readdir(folder)).toEqual([]);
  });

  it('tells the work through assertHeld when the lock was taken over from under it', async () => {
    const error = await withFileLock(lockPath, {}, async (guard) => {
      await guard.assertHeld();
      await writeFile(lockPath, holderFile({ token: 'usurper' }));
      await guard.assertHeld();
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).code).toBe('LOCK_LOST');
    // The usurper's lock is not ours to remove.
    expect(JSON.parse(await readFile(lockPath, 'utf8')).token).toBe('usurper');
  });
});
