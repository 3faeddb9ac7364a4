/**
 * What each function may touch, in one table so least privilege is easy to read and to tighten:
 * the artifact-store key patterns it reads and writes, and the queues it sends to. The patterns
 * follow the store layout (DESIGN §8) and the keys the core writes (`storeKeys`, `projectKeys`,
 * `inboxPrefix`, `writeErrorRecord`, `evaluationKey`, `leverHistoryKey`).
 */
import { type PipelineQueueName, SystemError } from '@harnessx/core';

export interface StoreAccess {
  /** Key patterns (S3 wildcards) the function reads and lists. */
  readonly read: readonly string[];
  /**
   * Key patterns it writes. They are readable too: an immutable write compares with what is
   * stored, and S3 answers a missing key with 404 (not 403) only to a caller allowed to list it.
   */
  readonly write: readonly string[];
  /**
   * Key patterns it deletes: only transient entries (`DELETABLE_PREFIXES` in the core), taken by the
   * cycle starts (trace-ingest, the critic after a cycle, train-complete). Absent: deletes nothing.
   */
  readonly remove?: readonly string[];
  /** Queues it sends messages to (every queue URL is in its environment; only these are allowed). */
  readonly sendsTo: readonly PipelineQueueName[];
}

/** Read by every cycle stage: the registered project, the cycle state and the harness versions. */
const CYCLE_READS = ['projects/*', 'cycles/*', 'harnesses/*'] as const;

/** Error records of invalid messages go under `errors/<function name>/` (the handlers' area). */
const errorsOf = (functionName: string) => `errors/${functionName}/*`;

export const STORE_ACCESS: Readonly<Record<string, StoreAccess>> = {
  'trace-ingest': {
    // inbox/: listed and read when a cycle starts; projects/: the registered project and baseline.
    read: ['traces/*', 'projects/*', 'inbox/*'],
    // errors/traces/: invalid uploads; cycles/: the state of a cycle it starts; harnesses/: the
    // baseline version a deployed project publishes when it is registered.
    write: ['inbox/*', 'cycles/*', 'harnesses/*', 'errors/traces/*', errorsOf('trace-ingest')],
    remove: ['inbox/*'],
    sendsTo: ['digest'],
  },
  digest: {
    // traces/: the uploaded traces it digests; evaluations/: the cached baseline measurements.
    read: [...CYCLE_READS, 'traces/*', 'evaluations/*'],
    write: ['cycles/*', 'digests/*', 'evaluations/*', errorsOf('digest')],
    sendsTo: ['evaluate', 'plan'],
  },
  plan: {
    // projects/ (in CYCLE_READS) holds the lever history the plan ranks with.
    read: [...CYCLE_READS, 'digests/*'],
    write: ['cycles/*', 'plans/*', errorsOf('plan')],
    sendsTo: ['evolve'],
  },
  evolve: {
    read: [...CYCLE_READS, 'digests/*', 'plans/*', 'evaluations/*'],
    // Candidates and evaluation shards are cycle artifacts (cycles/<id>/candidates, …/shards).
    write: ['cycles/*', errorsOf('evolve')],
    sendsTo: ['evaluate', 'critic'],
  },
  evaluate: {
    read: [...CYCLE_READS, 'evaluations/*'],
    write: ['cycles/*', 'evaluations/*', errorsOf('evaluate')],
    sendsTo: ['digest', 'critic'],
  },
  critic: {
    // inbox/: the next cycle starts from here once this one is published.
    // datasets/grpo/: the cycle's cross-harness GRPO groups and the replay buffer (written at publish).
    read: [...CYCLE_READS, 'plans/*', 'evaluations/*', 'inbox/*', 'datasets/grpo/*'],
    write: [
      'cycles/*',
      'evaluations/*',
      'harnesses/*',
      'datasets/grpo/*',
      'projects/*/lever-history.json',
      'projects/*/best-accepted.json',
      errorsOf('critic'),
    ],
    remove: ['inbox/*'],
    // train: once a cycle is published, the replay buffer may hold enough groups for a job.
    sendsTo: ['digest', 'train'],
  },
  'train-launch': {
    // datasets/grpo/: the replay buffer's groups; projects/: the training settings; cycles/: the
    // published cycle the job follows; harnesses/: the version whose worker is fine-tuned.
    read: ['datasets/grpo/*', ...CYCLE_READS],
    // datasets/grpo/training/: the job's composed dataset; models/<job>/job.json: what it launched.
    write: ['datasets/grpo/training/*', 'models/*', errorsOf('train-launch')],
    sendsTo: [],
  },
  'train-complete': {
    // models/: job.json of the finished job; inbox/: the traces the next cycle takes (their
    // consumption is recorded in the registry table, then the taken entries are deleted).
    read: ['models/*', ...CYCLE_READS, 'inbox/*'],
    // models/: the registered model and the job's outcome; cycles/: the next cycle's state;
    // harnesses/: the baseline a cycle start publishes when the project has no current version.
    write: ['models/*', 'cycles/*', 'harnesses/*', errorsOf('train-complete')],
    remove: ['inbox/*'],
    sendsTo: ['digest'],
  },
};

/** The access of `functionName`; a function missing from the table is a programming error. */
export function storeAccessFor(functionName: string): StoreAccess {
  const access = STORE_ACCESS[functionName];
  if (!access) {
    throw new SystemError(
      `infra/lib/store-access.ts has no entry for function "${functionName}"; add its read/write patterns`,
      { code: 'INFRA_STORE_ACCESS_MISSING' },
    );
  }
  return access;
}

/** Every pattern the function may read back (its reads and its writes), without duplicates. */
export function readablePatterns(access: StoreAccess): string[] {
  return [...new Set([...access.read, ...access.write])];
}
