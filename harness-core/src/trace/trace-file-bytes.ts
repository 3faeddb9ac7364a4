/**
 * Bytes of a trace file: gzip is detected by its magic number (collectors name files freely),
 * and a truncated gzip stream still yields what can be decompressed.
 */
import { open } from 'node:fs/promises';
import { gunzipSync, constants as zlibConstants } from 'node:zlib';

/** True when the bytes start with the gzip magic number 1f 8b. */
export function hasGzipMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export interface FileProbe {
  gzip: boolean;
  /** On-disk size. */
  size: number;
  /** Best estimate of the decompressed size (gzip's ISIZE trailer, which wraps at 4 GiB). */
  estimatedTextBytes: number;
}

/** Reads a file's first and last bytes to learn whether it is gzip and how large its text is. */
export async function probeTraceFile(path: string): Promise<FileProbe> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(2);
    await handle.read(head, 0, 2, 0);
    const gzip = size >= 18 && hasGzipMagic(head);
    if (!gzip) return { gzip, size, estimatedTextBytes: size };
    const trailer = Buffer.alloc(4);
    await handle.read(trailer, 0, 4, size - 4);
    const isize = trailer.readUInt32LE(0);
    // ISIZE is modulo 2^32: when it is smaller than the compressed size it has wrapped.
    return { gzip, size, estimatedTextBytes: isize >= size ? isize : Number.MAX_SAFE_INTEGER };
  } finally {
    await handle.close();
  }
}

export interface GunzipResult {
  bytes: Buffer;
  /** Set when the stream was truncated or corrupt and only a prefix could be decompressed. */
  problem?: string;
}

/** Decompresses gzip; on a damaged stream, returns the part that could be decompressed. */
export function gunzipLenient(bytes: Uint8Array): GunzipResult {
  try {
    return { bytes: gunzipSync(bytes) };
  } catch (error) {
    const problem = error instanceof Error ? error.message : String(error);
    try {
      return { bytes: gunzipSync(bytes, { finishFlush: zlibConstants.Z_SYNC_FLUSH }), problem };
    } catch {
      return { bytes: Buffer.alloc(0), problem };
    }
  }
}
