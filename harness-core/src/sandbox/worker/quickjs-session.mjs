// @ts-check
/**
 * One sandbox session inside the worker: a QuickJS runtime and context with the limits applied,
 * the prelude installed and the processor's source loaded. It runs in the sandbox worker thread
 * only (see quickjs-worker.mjs); the host talks to it through messages.
 *
 * Limits, and why each is enforced where it is:
 * - memory: every session gets its own WebAssembly instance whose linear memory has a hard
 *   maximum (a fixed base plus the session's limit). `runtime.setMemoryLimit` is applied too, but
 *   the QuickJS build cannot measure block sizes ("malloc_usable_size unavailable"), so on its own
 *   it only stops single huge allocations; the capped linear memory is what bounds a memory bomb.
 * - stack: `runtime.setMaxStackSize`; a native-stack overflow of the worker is caught and ends the
 *   session (`SANDBOX_CRASHED`) instead of the process.
 * - time: a per-call deadline and an instruction budget checked by the interrupt handler, which
 *   QuickJS polls about every 10,000 branch or call operations. A loop of slow native calls polls
 *   rarely, so the host also terminates the whole worker past a hard limit.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkEmitText } from './emit-check.mjs';
import { SANDBOX_PRELUDE_SOURCE } from './sandbox-prelude.mjs';

// On Lambda, quickjs-emscripten comes from the sandbox layer (/opt/nodejs/node_modules), which only
// CommonJS resolution finds (through NODE_PATH): locate the package that way, then load its ES build.
const quickJsEntry = createRequire(import.meta.url).resolve('quickjs-emscripten');
const { DefaultIntrinsics, newQuickJSWASMModuleFromVariant, newVariant, RELEASE_SYNC } = await import(
  pathToFileURL(join(dirname(quickJsEntry), 'index.mjs')).href
);

const WASM_PAGE_BYTES = 65536;
/** The module's own initial memory (its C stack, static data and first heap pages). */
const BASE_MEMORY_BYTES = 16 * 1024 * 1024;
/** QuickJS decrements its interrupt counter on branches and calls and polls the handler at zero. */
const OPERATIONS_PER_POLL = 10_000;
const FATAL_CODES = new Set([
  'SANDBOX_TIMEOUT',
  'SANDBOX_MEMORY',
  'SANDBOX_STACK_OVERFLOW',
  'SANDBOX_CRASHED',
]);

/** A failure with a stable `SANDBOX_*` code, sent to the host as `{ code, message }`. */
export class SandboxFailure extends Error {
  /** @param {string} code @param {string} message */
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/**
 * WebAssembly instances of QuickJS, one per open session, reused after a clean close so that
 * thousands of short episodes do not pay for a fresh instance each.
 */
export class InstancePool {
  /** @param {WebAssembly.Module | undefined} compiled @param {number} maxIdle */
  constructor(compiled, maxIdle) {
    this.compiled = compiled;
    this.maxIdle = maxIdle;
    /** @type {Map<number, any[]>} idle instances by maximum page count */
    this.idle = new Map();
  }

  /** @param {number} memoryLimitBytes */
  async acquire(memoryLimitBytes) {
    const maximumPages = Math.ceil((BASE_MEMORY_BYTES + memoryLimitBytes) / WASM_PAGE_BYTES);
    const reusable = this.idle.get(maximumPages)?.pop();
    if (reusable) return reusable;
    const memory = new WebAssembly.Memory({
      initial: BASE_MEMORY_BYTES / WASM_PAGE_BYTES,
      maximum: maximumPages,
    });
    const variant = newVariant(RELEASE_SYNC, {
      wasmMemory: memory,
      ...(this.compiled ? { wasmModule: this.compiled } : {}),
    });
    const module = await newQuickJSWASMModuleFromVariant(variant);
    return { module, memory, maximumPages };
  }

  /** Keeps a cleanly closed instance unless its memory grew well past the base. */
  release(/** @type {any} */ instance) {
    if (instance.memory.buffer.byteLength > 2 * BASE_MEMORY_BYTES) return;
    const list = this.idle.get(instance.maximumPages) ?? [];
    if (list.length >= this.maxIdle) return;
    list.push(instance);
    this.idle.set(instance.maximumPages, list);
  }

  idleCount() {
    let count = 0;
    for (const list of this.idle.values()) count += list.length;
    return count;
  }
}

export class QuickJsSession {
  /**
   * @param {InstancePool} pool
   * @param {{ source: string, seed: number, limits: any, hookNames: string[] }} request
   * @returns {Promise<{ session: QuickJsSession, description: string }>}
   */
  static async open(pool, request) {
    const instance = await pool.acquire(request.limits.memoryLimitBytes);
    const session = new QuickJsSession(pool, instance, request.limits);
    try {
      session.#boot(request);
      const description = session.#describe();
      return { session, description };
    } catch (error) {
      if (!(error instanceof SandboxFailure)) session.#broken = true;
      session.close();
      throw toFailure(error);
    }
  }

  /** @type {any} */ #runtime;
  /** @type {any} */ #context;
  /** @type {any[]} */ #entryPoints = [];
  /** @type {SandboxFailure | undefined} */ #fatal;
  #broken = false;
  #closed = false;
  /** @type {[string, Record<string, unknown>][]} */ #emits = [];
  #clock = { deadline: 0, polls: 0, maxPolls: 0, /** @type {string | undefined} */ reason: undefined };

  /** @param {InstancePool} pool @param {any} instance @param {any} limits */
  constructor(pool, instance, limits) {
    this.pool = pool;
    this.instance = instance;
    this.limits = limits;
  }

  /** @param {{ source: string, seed: number, hookNames: string[] }} request */
  #boot(request) {
    const runtime = this.instance.module.newRuntime();
    this.#runtime = runtime;
    runtime.setMemoryLimit(this.limits.memoryLimitBytes);
    runtime.setMaxStackSize(this.limits.maxStackSizeBytes);
    runtime.setInterruptHandler(() => this.#shouldInterrupt());
    const context = runtime.newContext({ intrinsics: { ...DefaultIntrinsics, Date: false } });
    this.#context = context;
    this.#arm(this.limits.loadDeadlineMs, this.limits.instructionBudget);
    const setup = this.#unwrap(
      context.evalCode(SANDBOX_PRELUDE_SOURCE, 'harnessx-prelude.js', { type: 'global' }),
      'prelude',
    );
    // The host function answers a problem as a string; the prelude's emit() throws it as a TypeError.
    const emitFunction = context.newFunction('emit', (/** @type {any} */ textHandle) => {
      const problem = this.#acceptEmit(textHandle);
      return problem === undefined ? undefined : context.newString(problem);
    });
    const seed = context.newNumber(request.seed >>> 0);
    const hookNames = context.newString(JSON.stringify(request.hookNames));
    const entryPoints = this.#unwrap(
      context.callFunction(setup, context.undefined, emitFunction, seed, hookNames),
      'prelude',
    );
    for (const handle of [setup, emitFunction, seed, hookNames]) handle.dispose();
    for (let index = 0; index < 3; index += 1) this.#entryPoints.push(context.getProp(entryPoints, index));
    entryPoints.dispose();
    this.#arm(this.limits.loadDeadlineMs, this.limits.instructionBudget);
    // Always a script: module syntax (import/export) is a syntax error, never a module load.
    this.#unwrap(context.evalCode(request.source, 'processor.js', { type: 'global' }), 'load').dispose();
  }

  /** @returns {string} `D<json>` or throws */
  #describe() {
    this.#arm(this.limits.loadDeadlineMs, this.limits.instructionBudget);
    const text = this.#callEntry(1, [], 'describe');
    if (text.startsWith('E')) throw new SandboxFailure('SANDBOX_NO_PROCESSOR', text.slice(1));
    if (!text.startsWith('D'))
      throw new SandboxFailure('SANDBOX_CRASHED', 'the prelude answered describe() oddly');
    return text.slice(1);
  }

  /**
   * Calls `processor[hook]` with the JSON arguments.
   * @param {string} hook @param {string} argsJson
   * @returns {{ patchJson: string | null, emits: [string, Record<string, unknown>][] }}
   */
  call(hook, argsJson) {
    if (this.#closed) throw new SandboxFailure('SANDBOX_CLOSED', 'the sandbox session is closed');
    if (this.#fatal) {
      throw new SandboxFailure(
        'SANDBOX_DISABLED',
        `the sandbox was disabled for the rest of the episode after ${this.#fatal.code}: ${this.#fatal.message}`,
      );
    }
    this.#emits = [];
    try {
      this.#arm(this.limits.deadlineMs, this.limits.instructionBudget);
      const context = this.#context;
      const text = this.#callEntry(0, [context.newString(hook), context.newString(argsJson)], hook);
      const kind = text[0];
      if (kind === 'U') return { patchJson: null, emits: this.#emits };
      if (kind === 'P') {
        if (text.length - 1 > this.limits.maxResultBytes) {
          throw new SandboxFailure(
            'SANDBOX_BAD_RESULT',
            `the patch returned by processor.${hook} is ${text.length - 1} characters, over the ${this.limits.maxResultBytes} limit`,
          );
        }
        return { patchJson: text.slice(1), emits: this.#emits };
      }
      if (kind === 'B') throw new SandboxFailure('SANDBOX_BAD_RESULT', text.slice(1));
      if (kind === 'E') throw new SandboxFailure('SANDBOX_NO_PROCESSOR', text.slice(1));
      throw new SandboxFailure('SANDBOX_CRASHED', 'the dispatcher answered oddly');
    } catch (error) {
      if (!(error instanceof SandboxFailure)) this.#broken = true;
      const failure = toFailure(error);
      if (FATAL_CODES.has(failure.code)) this.#fatal = failure;
      throw Object.assign(failure, { emits: this.#emits });
    }
  }

  /** Frees the QuickJS runtime; the instance goes back to the pool when nothing went wrong. */
  close() {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#broken) return;
    try {
      for (const handle of this.#entryPoints) handle.dispose();
      this.#context?.dispose();
      this.#runtime?.dispose();
      if (this.#fatal === undefined) this.pool.release(this.instance);
    } catch {
      // A runtime that cannot be freed cleanly is dropped with its whole instance.
    }
  }

  /** @param {number} index @param {any[]} args @param {string} phase @returns {string} */
  #callEntry(index, args, phase) {
    const context = this.#context;
    let result;
    try {
      result = context.callFunction(this.#entryPoints[index], context.undefined, ...args);
    } finally {
      for (const handle of args) handle.dispose();
    }
    const handle = this.#unwrap(result, phase);
    try {
      if (context.typeof(handle) !== 'string')
        throw new SandboxFailure('SANDBOX_CRASHED', 'non-string answer');
      return context.getString(handle);
    } finally {
      handle.dispose();
    }
  }

  /** @param {any} result @param {string} phase */
  #unwrap(result, phase) {
    if (!result.error) return result.value;
    const failure = this.#failureFromError(result.error, phase);
    result.error.dispose();
    throw failure;
  }

  /** @param {any} errorHandle @param {string} phase @returns {SandboxFailure} */
  #failureFromError(errorHandle, phase) {
    const where =
      phase === 'load'
        ? 'loading the processor'
        : phase === 'prelude'
          ? 'the sandbox prelude'
          : `processor.${phase}`;
    const reason = this.#clock.reason;
    if (reason === 'deadline') {
      const loading = phase === 'load' || phase === 'describe' || phase === 'prelude';
      const limit = loading ? this.limits.loadDeadlineMs : this.limits.deadlineMs;
      return new SandboxFailure('SANDBOX_TIMEOUT', `${where} ran past its ${limit} ms deadline`);
    }
    if (reason === 'instructions') {
      return new SandboxFailure(
        'SANDBOX_TIMEOUT',
        `${where} ran past its budget of ${this.limits.instructionBudget} operations`,
      );
    }
    const [name, message] = this.#describeError(errorHandle);
    if (/out of memory/i.test(message)) {
      return new SandboxFailure(
        'SANDBOX_MEMORY',
        `${where} ran out of memory (limit ${this.limits.memoryLimitBytes} bytes)`,
      );
    }
    if (/stack overflow/i.test(message)) {
      return new SandboxFailure(
        'SANDBOX_STACK_OVERFLOW',
        `${where} overflowed the ${this.limits.maxStackSizeBytes}-byte stack`,
      );
    }
    if (phase === 'load' && name === 'SyntaxError') {
      return new SandboxFailure('SANDBOX_SYNTAX', `the processor source does not parse: ${message}`);
    }
    if (phase === 'prelude')
      return new SandboxFailure('SANDBOX_CRASHED', `the sandbox prelude failed: ${name}: ${message}`);
    return new SandboxFailure('SANDBOX_THROWN', `${where} threw ${name}: ${message}`);
  }

  /** @param {any} errorHandle @returns {[string, string]} */
  #describeError(errorHandle) {
    const context = this.#context;
    this.#arm(10, 100_000);
    const dump = () => {
      try {
        const dumped = context.dump(errorHandle);
        return [
          String(dumped?.name ?? 'Error').slice(0, 80),
          String(dumped?.message ?? dumped).slice(0, 500),
        ];
      } catch {
        return ['Error', '(an error that cannot be described)'];
      }
    };
    if (this.#entryPoints.length < 3) return /** @type {[string, string]} */ (dump());
    const result = context.callFunction(this.#entryPoints[2], context.undefined, errorHandle);
    if (result.error) {
      result.error.dispose();
      return /** @type {[string, string]} */ (dump());
    }
    try {
      const parsed = JSON.parse(context.getString(result.value));
      return [String(parsed[0]), String(parsed[1])];
    } catch {
      return ['Error', '(an error that cannot be described)'];
    } finally {
      result.value.dispose();
    }
  }

  /** @param {number} deadlineMs @param {number} budget */
  #arm(deadlineMs, budget) {
    this.#clock.deadline = performance.now() + deadlineMs;
    this.#clock.polls = 0;
    this.#clock.maxPolls = Math.max(1, Math.ceil(budget / OPERATIONS_PER_POLL));
    this.#clock.reason = undefined;
  }

  #shouldInterrupt() {
    const clock = this.#clock;
    clock.polls += 1;
    if (clock.polls > clock.maxPolls) clock.reason = 'instructions';
    else if (performance.now() > clock.deadline) clock.reason = 'deadline';
    return clock.reason !== undefined;
  }

  /** Validates one `emit` from inside the sandbox; returns a problem or undefined. @param {any} textHandle */
  #acceptEmit(textHandle) {
    const context = this.#context;
    if (context.typeof(textHandle) !== 'string') return 'emit(name, attributes): bad arguments';
    if (this.#emits.length >= this.limits.maxEmitsPerCall) {
      return `emit: at most ${this.limits.maxEmitsPerCall} events per hook call`;
    }
    const checked = checkEmitText(context.getString(textHandle));
    if ('problem' in checked) return checked.problem;
    this.#emits.push(checked.event);
    return undefined;
  }
}

/** Anything thrown on the worker side becomes a coded failure; host-level exceptions are crashes. */
function toFailure(/** @type {unknown} */ error) {
  if (error instanceof SandboxFailure) return error;
  const described = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new SandboxFailure('SANDBOX_CRASHED', `the sandbox crashed (${described.slice(0, 300)})`);
}
