/**
 * `Registry`: the small amount of mutable, contended state — the `current` version pointer moved
 * by compare-and-swap, the per-project cycle lease (never two cycles at once), counters for fan-in,
 * and idempotency records. Embedded: a JSON file under a lock; AWS: DynamoDB conditional writes.
 */
export interface CurrentPointer {
  contentId: string;
  /** Increases by one on every successful move. */
  version: number;
  updatedAt: string;
}

export interface Registry {
  getCurrent(harnessName: string): Promise<CurrentPointer | undefined>;
  /**
   * Moves `current` from `expected` (undefined = no pointer yet) to `next`. Returns false, changing
   * nothing, when the pointer is not at `expected` any more.
   */
  compareAndSetCurrent(harnessName: string, expected: string | undefined, next: string): Promise<boolean>;
  /** Takes the named lease for `ttlMs` unless another owner holds an unexpired one. */
  acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean>;
  releaseLease(name: string, owner: string): Promise<void>;
  /** Who holds the named lease and until when, if anyone does (expired leases included). */
  getLease(name: string): Promise<{ owner: string; expiresAt: string } | undefined>;
  /** Adds `by` to a counter and returns the new value (atomic). */
  increment(counter: string, by?: number): Promise<number>;
  /**
   * Fan-in: adds `member` to the named set and returns how many distinct members it holds. Adding a
   * member twice (a redelivered message) changes nothing, so the count never double-counts.
   */
  recordFanIn(name: string, member: string): Promise<number>;
  /** Records `key` once: true the first time, false if it was already recorded. */
  recordOnce(key: string, value: string): Promise<boolean>;
}
