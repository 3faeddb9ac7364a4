/**
 * The liberal OTLP/JSON trace reader: one `ExportTraceServiceRequest` per file or per line (the
 * Collector's file exporter writes JSON Lines), optionally gzip (detected by magic bytes), mapped
 * to `Trajectory` values. Files above a size threshold are read as a stream (`otlp-stream.ts`).
 *
 * Fast path: `JSON.parse`. When the decoded spans show an integer beyond 2^53 written as a JSON
 * number (which `JSON.parse` may have rounded), the text is read again with the exact tokenizer,
 * as is damaged text, from which the spans before the damage are salvaged.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.ts';
import { type OtlpSpanSink, walkOtlpDocument } from './otlp-document.ts';
import { readTraceFileStream } from './otlp-stream.ts';
import { OtlpTokenScanner } from './otlp-token-scanner.ts';
import type { TraceReadIssue } from './span-record.ts';
import type { UnmappedSpan } from './trace-assembler.ts';
import { gunzipLenient, hasGzipMagic, probeTraceFile } from './trace-file-bytes.ts';
import { type ReadTraceResult, TRACE_ENTITY, TraceReadSession } from './trace-read-session.ts';
import type { Trajectory } from './trajectory.ts';

export interface ReadTraceFileOptions {
  /** Files whose text is larger than this are read as a stream. Default 64 MiB. */
  streamThresholdBytes?: number;
}

export const DEFAULT_STREAM_THRESHOLD_BYTES = 64 * 1024 * 1024;

function lineOfFirstContent(text: string): number {
  let line = 1;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0x0a) line++;
    else if (code !== 0x20 && code !== 0x09 && code !== 0x0d && code !== 0xfeff) break;
  }
  return line;
}

function scanWithTokenizer(text: string, sink: OtlpSpanSink): void {
  const scanner = new OtlpTokenScanner(sink);
  scanner.write(text);
  scanner.end();
}

/** Reads JSON Lines with `JSON.parse` per line; false when the first line is not JSON at all. */
function scanJsonLines(text: string, sink: OtlpSpanSink): boolean {
  const lines = text.split('\n');
  const documents: { line: number; document: unknown }[] = [];
  let first = true;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (!/\S/.test(line)) continue;
    try {
      documents.push({ line: index + 1, document: JSON.parse(line) as unknown });
    } catch (error) {
      if (first) return false;
      sink.issue({ path: `line ${index + 1}`, reason: `not valid JSON: ${(error as Error).message}` });
    }
    first = false;
  }
  for (const { line, document } of documents) walkOtlpDocument(document, line, sink);
  return true;
}

/**
 * The fast path: `JSON.parse` (the whole text, else line by line). Returns false when the text
 * needs the tokenizer instead: it is damaged, or it holds integers `JSON.parse` may have rounded.
 */
function scanWithJsonParse(text: string, session: TraceReadSession): boolean {
  if (!/\S/.test(text)) {
    session.issue({ path: '(root)', reason: 'the input is empty: expected OTLP/JSON' });
    return true;
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return scanJsonLines(text, session) && !session.roundedNumbers;
  }
  walkOtlpDocument(document, lineOfFirstContent(text), session);
  return !session.roundedNumbers;
}

/**
 * Reads OTLP/JSON text (one document, JSON Lines, or a damaged document). `earlierIssues` (e.g.
 * from decompression) are reported first.
 */
function readText(text: string, source: string, earlierIssues: readonly TraceReadIssue[]): ReadTraceResult {
  const session = (): TraceReadSession => {
    const created = new TraceReadSession(source);
    for (const issue of earlierIssues) created.issue(issue);
    return created;
  };
  const fast = session();
  if (scanWithJsonParse(text, fast)) return fast.finish();
  // Exact and salvaging: integers stay exact, and the spans before any damage are kept.
  const exact = session();
  scanWithTokenizer(text, exact);
  return exact.finish();
}

/**
 * Maps a parsed OTLP/JSON document (one request or an array of them) to trajectories. Numbers
 * beyond 2^53 that `JSON.parse` already rounded stay rounded: give `readOtlpText` the text when
 * a producer writes 64-bit timestamps as JSON numbers.
 *
 * @example
 * const { trajectories, unmapped, skipped } = readOtlpDocument(JSON.parse(body), 'POST /v1/traces');
 */
export function readOtlpDocument(document: unknown, source: string): ReadTraceResult {
  const session = new TraceReadSession(source);
  walkOtlpDocument(document, 1, session);
  return session.finish();
}

/** Maps OTLP/JSON text (a document or JSON Lines) to trajectories. */
export function readOtlpText(text: string, source: string): ReadTraceResult {
  return readText(text, source, []);
}

function cannotRead(path: string, error: unknown): InputError {
  const message = error instanceof Error ? error.message : String(error);
  return new InputError(TRACE_ENTITY, path, [{ path: '', message: `cannot read the file: ${message}` }], {
    cause: error,
  });
}

/** Maps trace file bytes (gunzipped when they are gzip) to trajectories. */
export function readTraceBytes(bytes: Uint8Array, source: string): ReadTraceResult {
  const issues: TraceReadIssue[] = [];
  let text: Uint8Array = bytes;
  if (hasGzipMagic(bytes)) {
    const gunzipped = gunzipLenient(bytes);
    if (gunzipped.problem !== undefined) {
      issues.push({
        path: '(gzip)',
        reason: `damaged gzip stream (${gunzipped.problem}); read what could be decompressed`,
      });
    }
    text = gunzipped.bytes;
  }
  return readText(new TextDecoder('utf-8').decode(text), source, issues);
}

/**
 * Reads a trace file: OTLP/JSON, one request or JSON Lines, plain or gzip. Bad input gives an
 * `InputError` naming the file and the path; a partly readable file gives its good episodes and
 * lists the rest in `skipped`.
 *
 * @example
 * const { trajectories, skipped } = await readTraceFile('traces/run-1.otlp.json.gz');
 */
export async function readTraceFile(
  path: string,
  options: ReadTraceFileOptions = {},
): Promise<ReadTraceResult> {
  const threshold = options.streamThresholdBytes ?? DEFAULT_STREAM_THRESHOLD_BYTES;
  let estimatedTextBytes: number;
  try {
    estimatedTextBytes = (await probeTraceFile(path)).estimatedTextBytes;
  } catch (error) {
    throw cannotRead(path, error);
  }
  if (estimatedTextBytes > threshold) return collectStream(path);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw cannotRead(path, error);
  }
  return readTraceBytes(bytes, path);
}

async function collectStream(path: string): Promise<ReadTraceResult> {
  const unmapped: UnmappedSpan[] = [];
  const skipped: TraceReadIssue[] = [];
  const trajectories: Trajectory[] = [];
  const stream = readTraceFileStream(path, {
    onUnmapped: (span) => unmapped.push(span),
    onSkipped: (issue) => skipped.push(issue),
  });
  for await (const trajectory of stream) trajectories.push(trajectory);
  return { trajectories, unmapped, skipped };
}
