/**
 * Streaming read of trace files too large for memory. The text is never held whole: bytes are
 * decompressed and decoded chunk by chunk and tokenised incrementally; each span is decoded and
 * reduced to a compact record as soon as its last token arrives. Spans may come in any order, so
 * trajectories are assembled (and yielded one by one) after the last byte.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InputError } from '../errors.ts';
import { OtlpTokenScanner } from './otlp-token-scanner.ts';
import type { TraceReadIssue } from './span-record.ts';
import type { UnmappedSpan } from './trace-assembler.ts';
import { probeTraceFile } from './trace-file-bytes.ts';
import { TRACE_ENTITY, TraceReadSession } from './trace-read-session.ts';
import type { Trajectory } from './trajectory.ts';

export interface ReadTraceStreamOptions {
  /** Called for each span that was read but fits no trajectory. */
  onUnmapped?: (span: UnmappedSpan) => void;
  /** Called for each part of the input that could not be read. */
  onSkipped?: (issue: TraceReadIssue) => void;
  /** Read size in bytes. Default 1 MiB. */
  chunkBytes?: number;
}

function openTextSource(path: string, gzip: boolean, chunkBytes: number): Readable {
  const file = createReadStream(path, { highWaterMark: chunkBytes });
  if (!gzip) return file;
  const gunzip = createGunzip();
  file.on('error', (error) => gunzip.destroy(error));
  return file.pipe(gunzip);
}

/** Streams a file's bytes through the scanner; read errors become issues after what was read. */
async function scanFile(path: string, session: TraceReadSession, chunkBytes: number): Promise<void> {
  let gzip: boolean;
  try {
    gzip = (await probeTraceFile(path)).gzip;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new InputError(TRACE_ENTITY, path, [{ path: '', message: `cannot read the file: ${message}` }], {
      cause: error,
    });
  }
  const scanner = new OtlpTokenScanner(session);
  const decoder = new TextDecoder('utf-8');
  let sawContent = false;
  try {
    for await (const chunk of openTextSource(path, gzip, chunkBytes)) {
      const text = decoder.decode(chunk as Buffer, { stream: true });
      if (!sawContent && /\S/.test(text)) sawContent = true;
      scanner.write(text);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    session.issue({
      path: gzip ? '(gzip)' : '(file)',
      reason: `reading stopped early (${message}); kept what was read`,
    });
  }
  scanner.write(decoder.decode());
  scanner.end();
  if (!sawContent) session.issue({ path: '(root)', reason: 'the input is empty: expected OTLP/JSON' });
}

/**
 * Reads a trace file as a stream and yields its trajectories. Unmapped spans and skipped input
 * are reported through the callbacks; a file with nothing readable throws `InputError`.
 *
 * @example
 * for await (const trajectory of readTraceFileStream('big.otlp.jsonl.gz', { onSkipped: console.warn })) {
 *   digest.add(trajectory);
 * }
 */
export async function* readTraceFileStream(
  path: string,
  options: ReadTraceStreamOptions = {},
): AsyncGenerator<Trajectory, void, undefined> {
  const session = new TraceReadSession(path);
  await scanFile(path, session, options.chunkBytes ?? 1 << 20);
  const trajectories = session.drain((span) => options.onUnmapped?.(span));
  for (const issue of session.skipped()) options.onSkipped?.(issue);
  yield* trajectories;
}
