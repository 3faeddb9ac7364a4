/**
 * Crash-safe file writes for the embedded adapters. A body is first written in full to a temporary
 * file in the target's own directory (same filesystem, so the final step is atomic) and fsynced;
 * then `rename` replaces the target, or `link` creates it only if absent. Readers therefore see the
 * old body or the new one, never a prefix of it, and a crash leaves at most a stray temporary file.
 */
import { randomUUID } from 'node:crypto';
import { link, mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Temporary files start with this; listings skip it and store keys may not use it. */
export const TEMPORARY_FILE_PREFIX = '.harnessx-tmp-';

/** The `code` of a Node filesystem error (`ENOENT`, `EEXIST`, …), or undefined. */
export function errorCode(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object' || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** Writes `bytes` to a new temporary file in `directory` and fsyncs it; returns its path. */
export async function writeTemporaryFile(directory: string, bytes: Uint8Array): Promise<string> {
  const path = join(directory, `${TEMPORARY_FILE_PREFIX}${randomUUID()}`);
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(path, { force: true });
    throw error;
  }
  await handle.close();
  return path;
}

/**
 * Makes a rename or link in `directory` durable. Some platforms cannot open a directory for fsync;
 * there the rename is still atomic, only its durability across a power cut is weaker.
 */
export async function fsyncDirectory(directory: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch (error) {
    const code = errorCode(error);
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw error;
  } finally {
    await handle?.close();
  }
}

/** Replaces (or creates) `target` with `bytes` atomically, creating its directory when needed. */
export async function writeFileAtomic(target: string, bytes: Uint8Array): Promise<void> {
  const directory = dirname(target);
  await mkdir(directory, { recursive: true });
  const temporary = await writeTemporaryFile(directory, bytes);
  try {
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await fsyncDirectory(directory);
}

/**
 * Creates `target` with `bytes` only if nothing is there: `true` when this call created it, `false`
 * when it already existed (left untouched). `link` fails with `EEXIST` atomically, so of many
 * concurrent callers exactly one creates the file, and every other caller then reads a complete body.
 */
export async function createFileIfAbsent(target: string, bytes: Uint8Array): Promise<boolean> {
  const directory = dirname(target);
  await mkdir(directory, { recursive: true });
  const temporary = await writeTemporaryFile(directory, bytes);
  try {
    await link(temporary, target);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(temporary, { force: true });
  }
  await fsyncDirectory(directory);
  return true;
}
