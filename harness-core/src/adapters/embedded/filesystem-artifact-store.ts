/**
 * The embedded `ArtifactStore`: one file per key under a root directory (DESIGN §8), with atomic
 * writes and link-based create-if-absent for immutable objects.
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InputError, type InputIssue, SystemError } from '../../errors.ts';
import type { ArtifactStore } from '../../ports/artifact-store.ts';
import { createFileIfAbsent, errorCode, TEMPORARY_FILE_PREFIX, writeFileAtomic } from './atomic-file.ts';
import { assertDeletableKey, assertStoreKey, assertStorePrefix, quoteStoreKey } from './store-key.ts';

/** Where the CLI keeps its store when no root is given. */
export const DEFAULT_STORE_ROOT = '.harnessx/store';

/** Most filesystems cap one path segment at 255 bytes (NAME_MAX); S3 has no such limit. */
const MAX_SEGMENT_BYTES = 255;

/** Errors that mean "no object at this key": nothing there, a folder there, or a file where a folder would be. */
const NOT_AN_OBJECT = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

function toBytes(body: Uint8Array | string): Uint8Array {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

function asPlainBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

function sameBytes(left: Uint8Array, right: Uint8Array): boolean {
  return Buffer.compare(left, right) === 0;
}

/** UTF-8 byte order, the order S3 lists keys in, so both adapters list identically. */
function compareKeys(left: string, right: string): number {
  return Buffer.compare(Buffer.from(left, 'utf8'), Buffer.from(right, 'utf8'));
}

/**
 * An `ArtifactStore` over the directory `root` (created on first write). Keys are validated
 * (relative, `/`-separated, no `.`/`..` or empty segments, no backslashes, ≤ 1024 bytes): a bad key
 * raises an `InputError` naming it, and no path outside `root` is ever touched.
 *
 * @example
 * const store = createFilesystemArtifactStore('.harnessx/store');
 * await store.putImmutable('harnesses/household/versions/sha256-ab…/harness.json', json);
 * const keys = await store.list('harnesses/household/versions/');
 */
export function createFilesystemArtifactStore(root: string = DEFAULT_STORE_ROOT): ArtifactStore {
  const rootPath = resolve(root);
  const source = `filesystem artifact store ${rootPath}`;

  const pathOf = (key: unknown): string => {
    assertStoreKey(key, source);
    const issues: InputIssue[] = [];
    for (const segment of key.split('/')) {
      if (Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES) {
        issues.push({
          path: 'key',
          message: `${quoteStoreKey(key)} has a segment over ${MAX_SEGMENT_BYTES} bytes`,
        });
      }
      if (segment.startsWith(TEMPORARY_FILE_PREFIX)) {
        issues.push({
          path: 'key',
          message: `${quoteStoreKey(key)} uses the reserved prefix ${TEMPORARY_FILE_PREFIX}`,
        });
      }
    }
    if (issues.length > 0) throw new InputError('store key', source, issues, { code: 'STORE_KEY_INVALID' });
    return join(rootPath, ...key.split('/'));
  };

  const keyConflict = (action: string, key: string, cause?: unknown): SystemError =>
    new SystemError(
      `cannot ${action} ${quoteStoreKey(key)} in ${source}: a key and a key prefix collide (one is a file, the other needs a folder)`,
      { cause, code: 'STORE_KEY_CONFLICT' },
    );

  const ioError = (action: string, key: string, error: unknown): SystemError => {
    const code = errorCode(error);
    if (code === 'ENOTDIR' || code === 'EEXIST' || code === 'EISDIR') return keyConflict(action, key, error);
    return new SystemError(
      `cannot ${action} ${quoteStoreKey(key)} in ${source}: ${(error as Error).message}`,
      {
        cause: error,
        code: 'STORE_IO',
      },
    );
  };

  const read = async (key: string, path: string): Promise<Uint8Array | undefined> => {
    try {
      return asPlainBytes(await readFile(path));
    } catch (error) {
      if (NOT_AN_OBJECT.has(errorCode(error) ?? '')) return undefined;
      throw ioError('read', key, error);
    }
  };

  const collect = async (folderKey: string, prefix: string, out: string[]): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(folderKey === '' ? rootPath : join(rootPath, ...folderKey.split('/')), {
        withFileTypes: true,
      });
    } catch (error) {
      if (NOT_AN_OBJECT.has(errorCode(error) ?? '')) return;
      throw ioError('list', prefix, error);
    }
    for (const entry of entries) {
      if (entry.name.startsWith(TEMPORARY_FILE_PREFIX)) continue;
      const key = folderKey === '' ? entry.name : `${folderKey}/${entry.name}`;
      if (entry.isDirectory()) {
        const asFolder = `${key}/`;
        if (asFolder.startsWith(prefix) || prefix.startsWith(asFolder)) await collect(key, prefix, out);
      } else if (entry.isFile() && key.startsWith(prefix)) {
        out.push(key);
      }
    }
  };

  return {
    async get(key) {
      return read(key, pathOf(key));
    },

    async put(key, body) {
      const path = pathOf(key);
      try {
        await writeFileAtomic(path, toBytes(body));
      } catch (error) {
        throw ioError('write', key, error);
      }
    },

    async putImmutable(key, body) {
      const path = pathOf(key);
      const bytes = toBytes(body);
      let created: boolean;
      try {
        created = await createFileIfAbsent(path, bytes);
      } catch (error) {
        throw ioError('write', key, error);
      }
      if (created) return 'created';
      const existing = await read(key, path);
      if (existing === undefined) throw keyConflict('write', key);
      if (sameBytes(existing, bytes)) return 'exists';
      throw new SystemError(
        `immutable object ${quoteStoreKey(key)} in ${source} already holds different bytes (${existing.byteLength} stored, ${bytes.byteLength} offered)`,
        { code: 'IMMUTABLE_CONFLICT' },
      );
    },

    async delete(key) {
      assertDeletableKey(key, source);
      const path = pathOf(key);
      try {
        await unlink(path);
      } catch (error) {
        if (!NOT_AN_OBJECT.has(errorCode(error) ?? '')) throw ioError('delete', key, error);
      }
    },

    async list(prefix) {
      assertStorePrefix(prefix, source);
      const slash = prefix.lastIndexOf('/');
      const out: string[] = [];
      await collect(slash === -1 ? '' : prefix.slice(0, slash), prefix, out);
      return out.sort(compareKeys);
    },
  };
}
