// @ts-check
/**
 * The sandbox worker thread: it owns the QuickJS instances and every session of one code
 * processor. It is plain JavaScript (run by Node directly, with no TypeScript loader) and runs in
 * its own thread so that the host can terminate it when a call runs past the hard limit, which
 * QuickJS's interrupt handler alone cannot guarantee (see quickjs-session.mjs).
 *
 * Protocol (one request at a time; the host queues): the worker first posts `{ op: 'ready' }`, then
 * answers each `{ id, op, ... }` with `{ id, ok: true, ... }` or `{ id, ok: false, code, message }`.
 * - `open { sessionId, source, seed, limits, hookNames }` → `{ description }` (JSON text)
 * - `call { sessionId, hook, argsJson }` → `{ patchJson: string | null, emits }`
 * - `close { sessionId }` → `{}`
 * - `stats` → `{ sessions, idleInstances }`
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import { InstancePool, QuickJsSession, SandboxFailure } from './quickjs-session.mjs';

if (!parentPort) throw new Error('quickjs-worker.mjs runs only as a worker thread');
const port = parentPort;

/**
 * The QuickJS WebAssembly module: the host compiles it once per process and hands it over, so
 * every worker shares V8's compiled (and tiered-up) code; compiled here only as a fallback.
 * @returns {WebAssembly.Module | undefined}
 */
function compiledQuickJs() {
  if (workerData?.compiled instanceof WebAssembly.Module) return workerData.compiled;
  try {
    const requireHere = createRequire(import.meta.url);
    const requireFromQuickJs = createRequire(requireHere.resolve('quickjs-emscripten'));
    const wasmPath = requireFromQuickJs.resolve('@jitl/quickjs-wasmfile-release-sync/wasm');
    return new WebAssembly.Module(readFileSync(wasmPath));
  } catch {
    // Without a precompiled module each instance compiles its own copy: slower, still correct.
    return undefined;
  }
}

const pool = new InstancePool(compiledQuickJs(), 4);

/**
 * Runs a few throwaway sessions before the worker reports ready. V8 first runs WebAssembly with
 * its baseline compiler and tiers hot functions up later; without this, the first sessions of a
 * process run several times slower and a benign processor could miss its 50 ms deadline.
 */
async function warmUp() {
  const source = `let seen = 0; const processor = { modelRequest(args) {
    seen += args.messages.length;
    return { type: 'request', appendUserMessage: JSON.stringify(args.messages.slice(-2)) + seen };
  } };`;
  const limits = {
    memoryLimitBytes: 16 * 1024 * 1024,
    maxStackSizeBytes: 256 * 1024,
    deadlineMs: 10_000,
    instructionBudget: 1_000_000_000,
    loadDeadlineMs: 10_000,
    maxResultBytes: 1_000_000,
    maxEmitsPerCall: 0,
  };
  const messages = Array.from({ length: 20 }, (_, index) => ({
    role: 'user',
    content: `warm-up message ${index}`,
  }));
  const argsJson = JSON.stringify({ messages });
  const started = performance.now();
  for (let round = 0; round < 12; round += 1) {
    const roundStarted = performance.now();
    const { session } = await QuickJsSession.open(pool, {
      source,
      seed: round,
      limits,
      hookNames: ['modelRequest'],
    });
    for (let call = 0; call < 20; call += 1) session.call('modelRequest', argsJson);
    session.close();
    if (performance.now() - roundStarted < 15 || performance.now() - started > 2000) break;
  }
}

/** @type {Map<number, QuickJsSession>} */
const sessions = new Map();

/** @param {any} request */
async function handle(request) {
  switch (request.op) {
    case 'open': {
      if (sessions.has(request.sessionId))
        throw new SandboxFailure('SANDBOX_CRASHED', 'duplicate session id');
      const { session, description } = await QuickJsSession.open(pool, request);
      sessions.set(request.sessionId, session);
      return { description };
    }
    case 'call': {
      const session = sessions.get(request.sessionId);
      if (!session) throw new SandboxFailure('SANDBOX_CLOSED', 'the sandbox session is closed');
      return session.call(request.hook, request.argsJson);
    }
    case 'close': {
      sessions.get(request.sessionId)?.close();
      sessions.delete(request.sessionId);
      return {};
    }
    case 'stats':
      return { sessions: sessions.size, idleInstances: pool.idleCount() };
    default:
      throw new SandboxFailure('SANDBOX_CRASHED', `unknown request "${String(request.op)}"`);
  }
}

let chain = Promise.resolve();
port.on('message', (/** @type {any} */ request) => {
  chain = chain.then(async () => {
    try {
      port.postMessage({ id: request.id, ok: true, ...(await handle(request)) });
    } catch (error) {
      const failure =
        error instanceof SandboxFailure
          ? error
          : new SandboxFailure(
              'SANDBOX_CRASHED',
              `the sandbox worker failed: ${String(error).slice(0, 300)}`,
            );
      const emits = /** @type {any} */ (failure).emits ?? [];
      port.postMessage({ id: request.id, ok: false, code: failure.code, message: failure.message, emits });
    }
  });
});
warmUp()
  .catch(() => undefined)
  .finally(() => port.postMessage({ op: 'ready' }));
