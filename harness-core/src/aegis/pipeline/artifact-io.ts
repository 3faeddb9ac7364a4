/** Reading and writing artifacts in the store, always through their schema. */

import type { z } from 'zod';
import { SystemError } from '../../errors.ts';
import { canonicalJson } from '../../harness/canonical.ts';
import type { ArtifactStore } from '../../ports/artifact-store.ts';
import { parseJsonText, parseWith } from '../../schema.ts';
import { readTraceBytes } from '../../trace/otlp-reader.ts';
import type { Trajectory } from '../../trace/trajectory.ts';

export interface Codec<T> {
  parse(value: unknown, source?: string): T;
}

/** A codec for a plain zod schema (state files that are not versioned artifacts). */
export function zodCodec<S extends z.ZodType>(schema: S, entity: string): Codec<z.output<S>> {
  return { parse: (value, source = entity) => parseWith(schema, value, entity, source) };
}

/** Writes a finished stage output: immutable, canonical JSON so a deterministic re-run is a no-op. */
export async function writeArtifact(store: ArtifactStore, key: string, value: unknown): Promise<string> {
  await store.putImmutable(key, canonicalJson(value));
  return key;
}

/** Writes mutable state (the cycle state, lever history). */
export async function writeMutable(store: ArtifactStore, key: string, value: unknown): Promise<string> {
  await store.put(key, `${JSON.stringify(value, null, 2)}\n`);
  return key;
}

export async function readArtifact<T>(
  store: ArtifactStore,
  key: string,
  codec: Codec<T>,
): Promise<T | undefined> {
  const bytes = await store.get(key);
  if (bytes === undefined) return undefined;
  const source = `store:${key}`;
  return codec.parse(parseJsonText(Buffer.from(bytes).toString('utf8'), 'artifact', source), source);
}

export async function requireArtifact<T>(store: ArtifactStore, key: string, codec: Codec<T>): Promise<T> {
  const value = await readArtifact(store, key, codec);
  if (value === undefined)
    throw new SystemError(`artifact ${key} is referenced by the cycle state but missing`);
  return value;
}

/** The trajectories of stored trace files (gzip or plain OTLP/JSON). */
export async function readStoredTrajectories(
  store: ArtifactStore,
  keys: readonly string[],
): Promise<Trajectory[]> {
  const out: Trajectory[] = [];
  for (const key of keys) {
    const bytes = await store.get(key);
    if (bytes === undefined) throw new SystemError(`trace file ${key} is missing from the store`);
    out.push(...readTraceBytes(bytes, `store:${key}`).trajectories);
  }
  return out;
}
