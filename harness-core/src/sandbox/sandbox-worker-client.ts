/**
 * The host's handle on one sandbox worker thread (worker/quickjs-worker.mjs). Requests go one at a
 * time; each has a hard limit, past which the worker is terminated and every session in it dies
 * (`generation` moves on). That is the backstop for what QuickJS's interrupt handler cannot stop:
 * a loop of slow native calls polls the handler too rarely to meet a 50 ms deadline.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { SandboxError } from '../errors.ts';
import { sandboxError, toSandboxErrorCode } from './sandbox-errors.ts';

const WORKER_URL = new URL('./worker/quickjs-worker.mjs', import.meta.url);

let compiledQuickJs: Promise<WebAssembly.Module | undefined> | undefined;

/**
 * Compiles QuickJS's WebAssembly once per process. Every worker gets the same module, so V8
 * shares its compiled and tiered-up code instead of each worker starting cold.
 */
function compileQuickJsOnce(): Promise<WebAssembly.Module | undefined> {
  compiledQuickJs ??= (async () => {
    try {
      const requireHere = createRequire(import.meta.url);
      const requireFromQuickJs = createRequire(requireHere.resolve('quickjs-emscripten'));
      const wasmPath = requireFromQuickJs.resolve('@jitl/quickjs-wasmfile-release-sync/wasm');
      // Node's types declare WebAssembly's types but not the global value (that is in lib.dom).
      const { WebAssembly: wasm } = globalThis as unknown as {
        WebAssembly: { compile(bytes: Uint8Array): Promise<WebAssembly.Module> };
      };
      return await wasm.compile(await readFile(wasmPath));
    } catch {
      // The worker compiles its own copy then: slower, still correct.
      return undefined;
    }
  })();
  return compiledQuickJs;
}

/** A worker's answer to one request. */
export type SandboxWorkerReply = { id: number; ok: true } & Record<string, unknown>;

/** How long a worker may idle and take to start. */
export interface SandboxWorkerClientOptions {
  /** Milliseconds without open sessions after which the worker is terminated. Default 2000. */
  idleMs?: number;
  /** Milliseconds the worker may take to start and compile QuickJS. Default 20000. */
  startupTimeoutMs?: number;
  /** Called once the worker has been shut down for idleness. */
  onIdleShutdown?: () => void;
}

interface InFlight {
  id: number;
  resolve: (reply: SandboxWorkerReply) => void;
  reject: (error: SandboxError) => void;
  timer: NodeJS.Timeout;
}

/** One sandbox worker thread, started on demand, with a queue of requests and their hard limits. */
export class SandboxWorkerClient {
  readonly #options: Required<Omit<SandboxWorkerClientOptions, 'onIdleShutdown'>> &
    Pick<SandboxWorkerClientOptions, 'onIdleShutdown'>;
  #worker: Worker | undefined;
  #starting: Promise<Worker> | undefined;
  #generation = 0;
  #nextId = 1;
  #inFlight: InFlight | undefined;
  #tail: Promise<unknown> = Promise.resolve();
  #idleTimer: NodeJS.Timeout | undefined;
  readonly #sessions = new Set<number>();
  #lastKill = '';

  constructor(options: SandboxWorkerClientOptions = {}) {
    this.#options = {
      idleMs: options.idleMs ?? 2000,
      startupTimeoutMs: options.startupTimeoutMs ?? 20_000,
      onIdleShutdown: options.onIdleShutdown,
    };
  }

  /** Moves on each time the worker is replaced: sessions opened in an older generation are dead. */
  get generation(): number {
    return this.#generation;
  }

  /** Why the last worker was terminated, for the error a dead session reports. */
  get lastKillReason(): string {
    return this.#lastKill;
  }

  /** Sessions open in the current worker. */
  get openSessionCount(): number {
    return this.#sessions.size;
  }

  /** True while a worker thread exists or is starting. */
  get running(): boolean {
    return this.#worker !== undefined || this.#starting !== undefined;
  }

  trackSession(sessionId: number): void {
    this.#sessions.add(sessionId);
  }

  /** Forgets a session and frees it in the worker (fire and forget). */
  releaseSession(sessionId: number, generation: number): void {
    if (generation !== this.#generation || !this.#sessions.delete(sessionId)) return;
    this.request({ op: 'close', sessionId }, 5000).catch(() => undefined);
  }

  /**
   * Sends one request after the ones before it. `hardLimitMs` counts from the moment the worker
   * gets it; past it the worker is terminated and the request fails with `SANDBOX_TIMEOUT`.
   * @throws SandboxError with the worker's code, or `SANDBOX_CRASHED` when the worker dies.
   */
  request(message: Record<string, unknown>, hardLimitMs: number): Promise<SandboxWorkerReply> {
    const run = this.#tail.then(() => this.#send(message, hardLimitMs));
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** What the worker holds: open sessions and idle QuickJS instances (zeros when none is running). */
  async stats(): Promise<{ sessions: number; idleInstances: number }> {
    if (!this.#worker) return { sessions: 0, idleInstances: 0 };
    const reply = await this.request({ op: 'stats' }, 5000);
    return { sessions: Number(reply['sessions']), idleInstances: Number(reply['idleInstances']) };
  }

  /** Terminates the worker now; open sessions die with `SANDBOX_CRASHED`. */
  async terminate(reason = 'the sandbox worker was shut down'): Promise<void> {
    const worker = this.#worker;
    this.#kill(sandboxError('SANDBOX_CRASHED', reason));
    await worker?.terminate().catch(() => undefined);
  }

  async #send(message: Record<string, unknown>, hardLimitMs: number): Promise<SandboxWorkerReply> {
    this.#cancelIdle();
    try {
      const worker = await this.#ensureWorker();
      const id = this.#nextId++;
      const reply = await new Promise<Record<string, unknown>>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.#kill(
            sandboxError(
              'SANDBOX_TIMEOUT',
              `the sandbox did not answer "${String(message['op'])}" within its hard limit of ${hardLimitMs} ms, so its worker was terminated`,
            ),
          );
        }, hardLimitMs);
        this.#inFlight = { id, resolve, reject, timer };
        worker.postMessage({ ...message, id });
      });
      if (reply['ok'] === true) return reply as SandboxWorkerReply;
      const error = sandboxError(
        toSandboxErrorCode(reply['code']),
        String(reply['message'] ?? 'sandbox failure'),
      );
      throw Object.assign(error, { emits: reply['emits'] });
    } finally {
      this.#scheduleIdle();
    }
  }

  #ensureWorker(): Promise<Worker> {
    if (this.#worker) return Promise.resolve(this.#worker);
    this.#starting ??= compileQuickJsOnce().then((compiled) => this.#startWorker(compiled));
    return this.#starting;
  }

  #startWorker(compiled: WebAssembly.Module | undefined): Promise<Worker> {
    return new Promise<Worker>((resolve, reject) => {
      const worker = new Worker(WORKER_URL, {
        workerData: { compiled },
        stdout: true,
        stderr: true,
        resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32, stackSizeMb: 8 },
      });
      worker.stdout.resume();
      worker.stderr.resume();
      worker.unref();
      const fail = (error: SandboxError) => {
        clearTimeout(timer);
        this.#starting = undefined;
        worker.terminate().catch(() => undefined);
        reject(error);
      };
      const timer = setTimeout(
        () => fail(sandboxError('SANDBOX_CRASHED', 'the sandbox worker did not start in time')),
        this.#options.startupTimeoutMs,
      );
      worker.once('error', (error) =>
        fail(sandboxError('SANDBOX_CRASHED', `the sandbox worker failed to start: ${error.message}`, error)),
      );
      worker.once('message', (first: unknown) => {
        if ((first as { op?: unknown } | null)?.op !== 'ready') {
          fail(sandboxError('SANDBOX_CRASHED', 'the sandbox worker started oddly'));
          return;
        }
        clearTimeout(timer);
        worker.removeAllListeners('error');
        this.#attach(worker);
        this.#starting = undefined;
        resolve(worker);
      });
    });
  }

  #attach(worker: Worker): void {
    this.#worker = worker;
    worker.on('message', (reply: unknown) => {
      const inFlight = this.#inFlight;
      if (this.#worker !== worker || !inFlight || (reply as { id?: unknown } | null)?.id !== inFlight.id)
        return;
      clearTimeout(inFlight.timer);
      this.#inFlight = undefined;
      inFlight.resolve(reply as SandboxWorkerReply);
    });
    worker.on('error', (error) => {
      if (this.#worker === worker) {
        this.#kill(sandboxError('SANDBOX_CRASHED', `the sandbox worker crashed: ${error.message}`, error));
      }
    });
    worker.on('exit', (code) => {
      if (this.#worker === worker) {
        this.#kill(sandboxError('SANDBOX_CRASHED', `the sandbox worker exited unexpectedly (code ${code})`));
      }
    });
  }

  #kill(error: SandboxError): void {
    const worker = this.#worker;
    this.#worker = undefined;
    this.#generation += 1;
    this.#lastKill = error.message;
    this.#sessions.clear();
    this.#cancelIdle();
    const inFlight = this.#inFlight;
    this.#inFlight = undefined;
    if (inFlight) {
      clearTimeout(inFlight.timer);
      inFlight.reject(error);
    }
    worker?.terminate().catch(() => undefined);
  }

  #scheduleIdle(): void {
    this.#cancelIdle();
    if (this.#sessions.size > 0 || this.#inFlight || !this.#worker) return;
    this.#idleTimer = setTimeout(() => {
      if (this.#sessions.size > 0 || this.#inFlight) return;
      const worker = this.#worker;
      this.#worker = undefined;
      this.#generation += 1;
      this.#lastKill = 'the sandbox worker was shut down while idle';
      worker?.terminate().catch(() => undefined);
      this.#options.onIdleShutdown?.();
    }, this.#options.idleMs);
    this.#idleTimer.unref();
  }

  #cancelIdle(): void {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
  }
}
