/**
 * The cross-process half of the registry contract: forks worker processes (TypeScript through tsx)
 * that each open their own client over the same registry, wait at a barrier, then race on
 * compare-and-swap, increments and idempotency records, and report what they saw.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * How a child process opens a client over the subject's state: it imports `module` (an absolute
 * path) and calls its export `exportName` with `args` (JSON values), which must return a `Registry`.
 */
export interface RegistryOpener {
  module: string;
  exportName: string;
  args: unknown[];
}

export interface RegistryRaceJob {
  workerId: string;
  opener: RegistryOpener;
  harnessName: string;
  /** Successful pointer moves this worker makes (it retries after each lost compare-and-swap). */
  casMoves: number;
  counter: string;
  increments: number;
  recordKeys: string[];
}

export interface RegistryRaceResult {
  workerId: string;
  /** Each pointer move this worker won: from which content id (null: no pointer) to which. */
  transitions: { from: string | null; to: string }[];
  casConflicts: number;
  /** The values `increment` returned to this worker. */
  increments: number[];
  /** The record keys `recordOnce` reported as first recorded by this worker. */
  recorded: string[];
}

export type RegistryRaceParentMessage = { type: 'job'; job: RegistryRaceJob } | { type: 'go' };
export type RegistryRaceChildMessage =
  | { type: 'ready' }
  | { type: 'result'; result: RegistryRaceResult }
  | { type: 'error'; message: string };

const WORKER_PATH = fileURLToPath(new URL('./registry-race-worker.ts', import.meta.url));
const TSX_LOADER_URL = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

interface RunningWorker {
  child: ChildProcess;
  ready: Promise<void>;
  result: Promise<RegistryRaceResult>;
}

function startWorker(job: RegistryRaceJob, timeoutMs: number): RunningWorker {
  const child = fork(WORKER_PATH, [], {
    execArgv: ['--import', TSX_LOADER_URL],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const result = new Promise<RegistryRaceResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`race worker ${job.workerId} timed out after ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on('message', (message: RegistryRaceChildMessage) => {
      if (message.type === 'ready') markReady();
      else if (message.type === 'result') resolve(message.result);
      else reject(new Error(`race worker ${job.workerId} failed: ${message.message}\n${stderr}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`race worker ${job.workerId} exited (${code ?? signal}) before reporting\n${stderr}`));
    });
    child.on('error', reject);
  });
  // A failure before `ready` must also release the barrier, or the race would wait for ever.
  result.catch(() => markReady());
  child.send({ type: 'job', job } satisfies RegistryRaceParentMessage);
  return { child, ready, result };
}

/**
 * Runs one worker process per job, releases them together once all have opened their client, and
 * returns their results in job order.
 */
export async function runRegistryRace(
  jobs: readonly RegistryRaceJob[],
  timeoutMs = 60_000,
): Promise<RegistryRaceResult[]> {
  const workers = jobs.map((job) => startWorker(job, timeoutMs));
  try {
    await Promise.all(workers.map((worker) => worker.ready));
    for (const worker of workers) {
      if (worker.child.connected) worker.child.send({ type: 'go' } satisfies RegistryRaceParentMessage);
    }
    return await Promise.all(workers.map((worker) => worker.result));
  } finally {
    for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
  }
}
