/**
 * Error records: an input that can never succeed (a malformed queue message, an invalid trace file)
 * is written to the store with its reason instead of being retried into the DLQ or dropped.
 */
import { createHash } from 'node:crypto';
import { HarnessError } from '../../errors.ts';
import type { ArtifactStore } from '../../ports/artifact-store.ts';

export interface ErrorRecord {
  schemaVersion: 'harnessx.error-record/1';
  /** Where it came from: the function and the message or object id. */
  source: string;
  receivedAt: string;
  /** Error code and message (an `InputError` lists every issue with its path). */
  code: string;
  reason: string;
  /** The start of the offending input, for a person to read. */
  excerpt: string;
}

/** Writes an error record under `errors/<area>/<yyyy-mm-dd>/<hash>.json` and returns its key. */
export async function writeErrorRecord(
  store: ArtifactStore,
  area: string,
  input: { source: string; body: string; error: unknown; now?: Date },
): Promise<string> {
  const now = input.now ?? new Date();
  const error = input.error;
  const record: ErrorRecord = {
    schemaVersion: 'harnessx.error-record/1',
    source: input.source,
    receivedAt: now.toISOString(),
    code: error instanceof HarnessError ? error.code : 'UNEXPECTED',
    reason: error instanceof Error ? error.message : String(error),
    excerpt: input.body.slice(0, 4096),
  };
  const id = createHash('sha256').update(`${input.source}\n${input.body}`).digest('hex').slice(0, 24);
  const key = `errors/${area}/${now.toISOString().slice(0, 10)}/${id}.json`;
  await store.put(key, `${JSON.stringify(record, null, 2)}\n`);
  return key;
}
