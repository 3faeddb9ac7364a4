/**
 * One sandbox session: a code processor's source loaded in a QuickJS context, with its limits,
 * for one episode. Global variables of the source persist across the calls of a session. Sessions
 * of the same source share one worker thread (see `sandboxClientFor`).
 */
import type { HookName } from '../harness/hooks.ts';
import type { CodeProcessorInspection } from './code-processor-contract.ts';
import { CODE_PROCESSOR_HOOKS } from './code-processor-contract.ts';
import { parseDescription, parseEmits, type SandboxEmit } from './sandbox-boundary.ts';
import { sandboxError } from './sandbox-errors.ts';
import type { SandboxLimits } from './sandbox-limits.ts';
import { SandboxWorkerClient } from './sandbox-worker-client.ts';

const clients = new Map<string, SandboxWorkerClient>();
let nextSessionId = 1;

/** The worker client that runs the sessions of one source (keyed by its sha256). */
export function sandboxClientFor(sha256: string): SandboxWorkerClient {
  let client = clients.get(sha256);
  if (!client) {
    const created = new SandboxWorkerClient({
      onIdleShutdown: () => {
        if (clients.get(sha256) === created && created.openSessionCount === 0) clients.delete(sha256);
      },
    });
    clients.set(sha256, created);
    client = created;
  }
  return client;
}

/** Open sessions and running workers over every source, for diagnostics and leak tests. */
export function sandboxUsage(): { openSessions: number; runningWorkers: number } {
  let openSessions = 0;
  let runningWorkers = 0;
  for (const client of clients.values()) {
    openSessions += client.openSessionCount;
    if (client.running) runningWorkers += 1;
  }
  return { openSessions, runningWorkers };
}

/** Sessions and idle QuickJS instances the running workers report holding (leak checks). */
export async function sandboxWorkerStats(): Promise<{ sessions: number; idleInstances: number }> {
  const all = await Promise.all([...clients.values()].map((client) => client.stats()));
  return all.reduce(
    (sum, one) => ({
      sessions: sum.sessions + one.sessions,
      idleInstances: sum.idleInstances + one.idleInstances,
    }),
    { sessions: 0, idleInstances: 0 },
  );
}

/** Terminates every sandbox worker (tests, CLI shutdown); open sessions die. */
export async function shutdownSandboxWorkers(): Promise<void> {
  const all = [...clients.values()];
  clients.clear();
  await Promise.all(all.map((client) => client.terminate()));
}

/** What a session is opened with: the source, its hash (it picks the worker), the seed and the limits. */
export interface OpenSandboxSessionOptions {
  processorId: string;
  source: string;
  sha256: string;
  /** Seeds the sandbox's `Math.random`. */
  seed: number;
  limits: SandboxLimits;
}

/** What one hook call produced. */
export interface SandboxCallResult {
  /** The patch JSON text, or `undefined` when the hook returned nothing. */
  patchJson: string | undefined;
  /** Trace events the hook emitted, validated. */
  emits: SandboxEmit[];
}

/**
 * A code processor loaded in the sandbox for one episode.
 * @example
 * const session = await SandboxSession.open({ processorId, source, sha256, seed: 7, limits: DEFAULT_SANDBOX_LIMITS });
 * const { patchJson, emits } = await session.call('modelRequest', serializeHookArgs('modelRequest', args, {}, limits.maxArgsBytes));
 * session.close();
 */
export class SandboxSession {
  readonly processorId: string;
  readonly inspection: CodeProcessorInspection;
  readonly #client: SandboxWorkerClient;
  readonly #id: number;
  readonly #generation: number;
  readonly #limits: SandboxLimits;
  #closed = false;

  private constructor(
    client: SandboxWorkerClient,
    id: number,
    options: OpenSandboxSessionOptions,
    inspection: CodeProcessorInspection,
  ) {
    this.#client = client;
    this.#id = id;
    this.#generation = client.generation;
    this.#limits = options.limits;
    this.processorId = options.processorId;
    this.inspection = inspection;
  }

  /**
   * Loads the source in a fresh context and reads its hooks and `meta`.
   * @throws SandboxError (`SANDBOX_SYNTAX`, `SANDBOX_TIMEOUT`, `SANDBOX_NO_PROCESSOR`, ...).
   */
  static async open(options: OpenSandboxSessionOptions): Promise<SandboxSession> {
    const client = sandboxClientFor(options.sha256);
    const id = nextSessionId++;
    const { limits } = options;
    const reply = await client.request(
      {
        op: 'open',
        sessionId: id,
        source: options.source,
        seed: options.seed,
        limits,
        hookNames: CODE_PROCESSOR_HOOKS,
      },
      3 * limits.loadDeadlineMs + limits.hardLimitGraceMs + 1000,
    );
    client.trackSession(id);
    let inspection: CodeProcessorInspection;
    try {
      inspection = parseDescription(String(reply['description']), options.processorId);
    } catch (error) {
      client.releaseSession(id, client.generation);
      throw error;
    }
    return new SandboxSession(client, id, options, inspection);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Calls `processor[hook]` with the arguments' JSON text.
   * @throws SandboxError; a `SANDBOX_CRASHED` when the worker was terminated since the session opened.
   */
  async call(hook: HookName, argsJson: string): Promise<SandboxCallResult> {
    if (this.#closed)
      throw sandboxError('SANDBOX_CLOSED', `the sandbox session of "${this.processorId}" is closed`);
    this.#throwIfWorkerGone();
    const reply = await this.#client.request(
      { op: 'call', sessionId: this.#id, hook, argsJson },
      this.#limits.deadlineMs + this.#limits.hardLimitGraceMs,
    );
    const patchJson = reply['patchJson'];
    return {
      patchJson: typeof patchJson === 'string' ? patchJson : undefined,
      emits: parseEmits(reply['emits'] ?? [], this.#limits.maxEmitsPerCall),
    };
  }

  /** Frees the context in the worker. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#client.releaseSession(this.#id, this.#generation);
  }

  #throwIfWorkerGone(): void {
    if (this.#client.generation === this.#generation) return;
    this.#closed = true;
    throw sandboxError(
      'SANDBOX_CRASHED',
      `the sandbox of "${this.processorId}" is gone: ${this.#client.lastKillReason || 'its worker stopped'}`,
    );
  }
}
