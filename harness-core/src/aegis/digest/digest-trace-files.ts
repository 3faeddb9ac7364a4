/**
 * `digestTraceFiles`: the Digest stage over OTLP/JSON trace files (plain or gzip, one request or
 * JSON Lines). Files are read one at a time and each trajectory is reduced to its digest entry as
 * it arrives, so a batch never sits in memory at once; a file larger than `streamThresholdBytes`
 * is read with `readTraceFileStream`, so its text never does either. `tokens.in` counts the trace
 * text read (bytes / 4; a gzip file counts its decompressed size).
 */
import { z } from 'zod';
import { AbortedError, InputError } from '../../errors.ts';
import { parseWith } from '../../schema.ts';
import { DEFAULT_STREAM_THRESHOLD_BYTES, readTraceFile, readTraceFileStream } from '../../trace/index.ts';
import { probeTraceFile } from '../../trace/trace-file-bytes.ts';
import type { Digest } from '../artifacts/digest.ts';
import { createDigestBuilder, type DigestBuilder } from './digest-builder.ts';
import type { DigestOptions } from './digest-options.ts';
import { tokensOfBytes } from './estimate-trace-tokens.ts';

export interface DigestTraceFilesOptions extends Omit<DigestOptions, 'tokensIn'> {
  /**
   * Files whose text is larger than this are streamed; smaller ones take the faster whole-file
   * path. Default: the trace reader's own threshold (64 MiB).
   */
  streamThresholdBytes?: number;
  signal?: AbortSignal;
}

/** Input the reader could not use, by file: reported, never silently dropped. */
export interface SkippedTraceInput {
  file: string;
  path: string;
  reason: string;
}

export interface DigestTraceFilesResult {
  digest: Digest;
  /** Bytes of trace text read (the basis of `digest.tokens.in`). */
  bytesRead: number;
  skipped: SkippedTraceInput[];
  /** Spans that were read but belong to no episode (e.g. a trace without its agent span). */
  unmappedSpans: number;
}

const pathsSchema = z.array(z.string().min(1)).min(1);
const thresholdSchema = z.number().int().positive().optional();

interface FileSink {
  builder: DigestBuilder;
  skipped: SkippedTraceInput[];
  unmapped: { count: number };
}

async function digestOneFile(
  file: string,
  stream: boolean,
  threshold: number,
  sink: FileSink,
): Promise<void> {
  const onSkipped = (issue: { path: string; reason: string }) =>
    sink.skipped.push({ file, path: issue.path, reason: issue.reason });
  if (stream) {
    const stream = readTraceFileStream(file, { onSkipped, onUnmapped: () => sink.unmapped.count++ });
    for await (const trajectory of stream) sink.builder.add(trajectory);
    return;
  }
  const result = await readTraceFile(file, { streamThresholdBytes: threshold });
  for (const trajectory of result.trajectories) sink.builder.add(trajectory);
  for (const issue of result.skipped) onSkipped(issue);
  sink.unmapped.count += result.unmapped.length;
}

/**
 * @example
 * const { digest, skipped } = await digestTraceFiles(['traces/c001/run.otlp.json.gz'], {
 *   cycleId: 'household-c001',
 *   harnessContentId,
 * });
 */
export async function digestTraceFiles(
  paths: readonly string[],
  options: DigestTraceFilesOptions,
): Promise<DigestTraceFilesResult> {
  const files = parseWith(pathsSchema, paths, 'trace file list', 'digestTraceFiles paths');
  const { streamThresholdBytes, signal, ...digestOptions } = options;
  const threshold =
    parseWith(
      thresholdSchema,
      streamThresholdBytes,
      'digest options',
      'digestTraceFiles streamThresholdBytes',
    ) ?? DEFAULT_STREAM_THRESHOLD_BYTES;
  const sink: FileSink = {
    builder: createDigestBuilder(digestOptions, {
      source: 'digestTraceFiles options',
      estimateTokensIn: false,
    }),
    skipped: [],
    unmapped: { count: 0 },
  };
  let bytesRead = 0;
  for (const file of files) {
    if (signal?.aborted) throw new AbortedError('digesting trace files was aborted');
    let probe: Awaited<ReturnType<typeof probeTraceFile>>;
    try {
      probe = await probeTraceFile(file);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new InputError('trace file', file, [{ path: '', message: `cannot read the file: ${message}` }], {
        cause: error,
      });
    }
    // A gzip size trailer that wrapped at 4 GiB gives no usable size: count the bytes on disk.
    const textBytes =
      probe.estimatedTextBytes === Number.MAX_SAFE_INTEGER ? probe.size : probe.estimatedTextBytes;
    await digestOneFile(file, probe.estimatedTextBytes > threshold, threshold, sink);
    bytesRead += textBytes;
  }
  return {
    digest: sink.builder.finish(tokensOfBytes(bytesRead)),
    bytesRead,
    skipped: sink.skipped,
    unmappedSpans: sink.unmapped.count,
  };
}
