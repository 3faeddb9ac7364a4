/**
 * `ArtifactStore`: keyed blobs with the store layout of DESIGN §8 (`traces/…`, `digests/<cycleId>/…`,
 * `harnesses/<name>/versions/<contentId>/harness.json`, `cycles/<cycleId>/…`). The embedded
 * adapter is a directory; the AWS adapter is S3. Keys are `/`-separated, relative, with no `..`.
 */
export interface ArtifactStore {
  /** The bytes at `key`, or `undefined` when nothing is stored there. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Writes (or overwrites) `key` atomically: readers see the old or the new body, never a mix. */
  put(key: string, body: Uint8Array | string): Promise<void>;
  /**
   * Writes an immutable object (a harness version, a finished stage output): `created` when new,
   * `exists` when the same bytes are already there; different bytes at the key raise `SystemError`.
   */
  putImmutable(key: string, body: Uint8Array | string): Promise<'created' | 'exists'>;
  /** Keys under `prefix`, sorted. */
  list(prefix: string): Promise<string[]>;
  /**
   * Removes a transient object (nothing there is fine). Only keys under `DELETABLE_PREFIXES`:
   * everything else in the store is history (versions, stage outputs, traces) and is never deleted;
   * other keys raise an `InputError`.
   */
  delete(key: string): Promise<void>;
}

/**
 * Where transient objects live: `inbox/<project>/…` entries, each a trace waiting for the next
 * cycle, are deleted once a cycle took them so that starting a cycle lists only what waits.
 */
export const DELETABLE_PREFIXES = ['inbox/'] as const;

/** Store keys, in one place so the embedded and AWS layouts can never drift apart. */
export const storeKeys = {
  harnessVersion: (name: string, contentId: string) =>
    `harnesses/${name}/versions/${contentId.replace(':', '-')}/harness.json`,
  cycleState: (cycleId: string) => `cycles/${cycleId}/state.json`,
  cycleArtifact: (cycleId: string, name: string) => `cycles/${cycleId}/${name}`,
  digest: (cycleId: string) => `digests/${cycleId}/digest.json`,
  plan: (cycleId: string) => `plans/${cycleId}/plan.json`,
  traces: (source: string, date: Date, file: string) =>
    `traces/${source}/${date.getUTCFullYear()}/${String(date.getUTCMonth() + 1).padStart(2, '0')}/${String(date.getUTCDate()).padStart(2, '0')}/${file}`,
} as const;
