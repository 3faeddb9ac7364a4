/**
 * Writes trajectories to an OTLP/JSON trace file, atomically: a reader (or a bucket notification)
 * never sees a half-written file, because the bytes go to a temporary file in the same directory
 * that is then renamed over the target.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { SystemError } from '../errors.ts';
import { type TrajectoriesToOtlpOptions, trajectoriesToOtlp } from './otlp-writer.ts';
import type { Trajectory } from './trajectory.ts';

export interface WriteTraceFileOptions extends TrajectoriesToOtlpOptions {
  /** Compress with gzip. Default: when the path ends in `.gz`. */
  gzip?: boolean;
}

export interface WriteTraceFileResult {
  path: string;
  /** Bytes written (after compression). */
  bytes: number;
  episodes: number;
}

/**
 * Serialises trajectories as one OTLP/JSON request and writes it atomically, creating parent
 * directories.
 *
 * @example
 * await writeTraceFile('.harnessx/traces/run-1.otlp.json.gz', trajectories);
 */
export async function writeTraceFile(
  path: string,
  trajectories: readonly Trajectory[],
  options: WriteTraceFileOptions = {},
): Promise<WriteTraceFileResult> {
  const { gzip = path.endsWith('.gz'), ...otlpOptions } = options;
  const text = JSON.stringify(trajectoriesToOtlp(trajectories, otlpOptions));
  const bytes = gzip ? gzipSync(text) : Buffer.from(text, 'utf8');
  const directory = dirname(path);
  const temporary = join(
    directory,
    `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    await mkdir(directory, { recursive: true });
    await writeFile(temporary, bytes);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    const message = error instanceof Error ? error.message : String(error);
    throw new SystemError(`cannot write trace file ${path}: ${message}`, { cause: error });
  }
  return { path, bytes: bytes.length, episodes: trajectories.length };
}
