/**
 * Runs one hook across the episode's processors in registry order and enforces the permission
 * contract: a patch must match the hook's schema, and the runtime's own semantic checks (done by
 * `apply`) must pass. Violations become `ProcessorContractError`s: recorded as `processor-error`
 * events, and fatal in strict mode.
 */
import { AbortedError, HarnessError, ProcessorContractError } from '../errors.ts';
import type { EpisodeView, ProcessorHooks } from '../harness/hooks.ts';
import {
  HOOK_NAMES,
  type HookArgs,
  type HookContext,
  type HookName,
  type HookPatches,
  hookPatchSchemas,
} from '../harness/hooks.ts';
import { createSeededRandom, hashString } from '../random.ts';
import { formatIssuePath } from '../schema.ts';
import { quickParsePatch } from './patch-check.ts';

/** One processor's handler for one hook, with its per-processor context parts (made once). */
interface HookEntry extends Pick<HookContext, 'emit' | 'random' | 'sleep'> {
  readonly id: string;
  readonly handler: (args: never) => unknown;
}

export interface HookRunnerEvents {
  event(name: string, attributes: Record<string, string | number | boolean>): void;
}

export type HookRunOutcome =
  | { interrupted: false }
  | { interrupted: true; reason: string; processorId: string };

export interface HookRunnerOptions {
  strict: boolean;
  seed: number;
  signal: AbortSignal;
  /** Read instead of `signal.aborted` before each handler, when given; it must always agree with it. */
  abortState?: { readonly aborted: boolean };
  events: HookRunnerEvents;
}

/**
 * Builds a hook's full arguments for one processor: the hook-specific fields from the current
 * state (so each processor sees the previous one's patch) plus the context given. Callers write
 * one object literal; merging objects here instead costs several times as much.
 */
export type HookArgsBuilder<H extends HookName> = (
  episode: EpisodeView,
  emit: HookContext['emit'],
  random: HookContext['random'],
  sleep: HookContext['sleep'],
) => HookArgs[H];

type PatchApplier<H extends HookName> = (
  patch: Exclude<HookPatches[H], { type: 'interrupt' }>,
  processorId: string,
) => 'transform' | 'intercept';

const NOT_INTERRUPTED: HookRunOutcome = Object.freeze({ interrupted: false });

export class HookRunner {
  /** Per hook, only the processors that handle it: hooks nobody handles cost nothing per turn. */
  readonly #entries: Partial<Record<HookName, HookEntry[]>> = {};
  readonly #options: HookRunnerOptions;
  readonly #abortState: { readonly aborted: boolean };

  constructor(processors: { id: string; hooks: ProcessorHooks }[], options: HookRunnerOptions) {
    this.#options = options;
    this.#abortState = options.abortState ?? options.signal;
    const sleep = sleeperFor(options.signal);
    for (const processor of processors) {
      const emit = emitterFor(processor.id, options.events);
      const random = lazyRandomFor(options.seed, processor.id);
      for (const hook of HOOK_NAMES) {
        const handler = processor.hooks[hook];
        if (!handler) continue;
        const entries = this.#entries[hook] ?? [];
        entries.push({ id: processor.id, handler: handler as never, emit, random, sleep });
        this.#entries[hook] = entries;
      }
    }
  }

  /**
   * Calls `hook` on every processor that has it; `apply` applies a schema-valid patch and throws
   * `ProcessorContractError` for a semantic violation. The run stays synchronous (no promise, no
   * microtask) until a handler returns a promise, which most never do.
   */
  run<H extends HookName>(
    hook: H,
    view: () => EpisodeView,
    buildArgs: HookArgsBuilder<H>,
    apply: PatchApplier<H>,
  ): HookRunOutcome | Promise<HookRunOutcome> {
    const entries = this.#entries[hook];
    if (entries === undefined) return NOT_INTERRUPTED;
    return this.#runFrom(hook, entries, view, buildArgs, apply, 0, undefined);
  }

  /**
   * Runs the processors from `start` on; `episode` is the view while no patch has changed it.
   * The run's parts are passed one by one rather than in an object: six runs a turn would each
   * allocate one.
   */
  #runFrom<H extends HookName>(
    hook: H,
    entries: readonly HookEntry[],
    view: () => EpisodeView,
    buildArgs: HookArgsBuilder<H>,
    apply: PatchApplier<H>,
    start: number,
    episode: EpisodeView | undefined,
  ): HookRunOutcome | Promise<HookRunOutcome> {
    const abortState = this.#abortState;
    for (let index = start; index < entries.length; index++) {
      const processor = entries[index]!;
      if (abortState.aborted) throw new AbortedError();
      // The view only changes when a patch is applied, so it is built once and rebuilt after a patch.
      episode ??= view();
      const args = buildArgs(episode, processor.emit, processor.random, processor.sleep);
      try {
        const patch = (processor.handler as (a: HookArgs[H]) => unknown)(args);
        // Most calls return no patch.
        if (patch === undefined) continue;
        if (patch instanceof Promise)
          return this.#continueAfter(patch, hook, entries, view, buildArgs, apply, index, episode);
        const settled = this.#settle(hook, apply, processor, patch);
        if (settled === 'applied') episode = undefined;
        else if (settled !== undefined) return settled;
      } catch (error) {
        this.#fail(hook, processor, error);
      }
    }
    return NOT_INTERRUPTED;
  }

  async #continueAfter<H extends HookName>(
    pending: Promise<unknown>,
    hook: H,
    entries: readonly HookEntry[],
    view: () => EpisodeView,
    buildArgs: HookArgsBuilder<H>,
    apply: PatchApplier<H>,
    index: number,
    episode: EpisodeView | undefined,
  ): Promise<HookRunOutcome> {
    const processor = entries[index]!;
    try {
      const settled = this.#settle(hook, apply, processor, await pending);
      if (settled === 'applied') episode = undefined;
      else if (settled !== undefined) return settled;
    } catch (error) {
      this.#fail(hook, processor, error);
    }
    return this.#runFrom(hook, entries, view, buildArgs, apply, index + 1, episode);
  }

  /**
   * Checks one processor's patch against the hook's schema and applies it: `undefined` when there
   * was no patch, `'applied'` after a transform or intercept, the outcome for an interrupt.
   */
  #settle<H extends HookName>(
    hook: H,
    apply: PatchApplier<H>,
    processor: HookEntry,
    patch: unknown,
  ): HookRunOutcome | 'applied' | undefined {
    if (patch === undefined) return undefined;
    const schema = hookPatchSchemas[hook];
    if (schema === null) {
      throw new ProcessorContractError(processor.id, hook, `${hook} is read-only and may not return a patch`);
    }
    // The common patches are checked directly (`quickParsePatch` accepts only what the schema
    // accepts); anything else goes through the schema, which also words the error.
    let valid = quickParsePatch(hook, patch) as HookPatches[H] | undefined;
    if (valid === undefined) {
      const parsed = schema.safeParse(patch);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue ? formatIssuePath(issue.path) : '';
        throw new ProcessorContractError(
          processor.id,
          hook,
          `returned a patch ${hook} does not permit (${describePatch(patch)}${where ? ` at ${where}` : ''}: ${issue?.message ?? 'invalid'})`,
        );
      }
      valid = parsed.data as HookPatches[H];
    }
    if ((valid as { type: string }).type === 'interrupt') {
      const reason = (valid as { reason: string }).reason;
      this.#options.events.event('processor-outcome', {
        'processor.id': processor.id,
        hook,
        outcome: 'interrupt',
        reason,
      });
      return { interrupted: true, reason, processorId: processor.id };
    }
    const outcome = apply(valid as Exclude<HookPatches[H], { type: 'interrupt' }>, processor.id);
    this.#options.events.event('processor-outcome', { 'processor.id': processor.id, hook, outcome });
    return 'applied';
  }

  /** Records a processor's failure as a `processor-error` event; aborts and strict mode rethrow. */
  #fail(hook: HookName, processor: HookEntry, error: unknown): void {
    if (error instanceof AbortedError || this.#options.signal.aborted) throw error;
    const contractError =
      error instanceof ProcessorContractError
        ? error
        : new ProcessorContractError(processor.id, hook, `threw ${describeError(error)}`, {
            cause: error,
          });
    this.#options.events.event('processor-error', {
      'processor.id': processor.id,
      hook,
      'error.type': error instanceof HarnessError ? error.code : (error as Error)?.name || 'Error',
      message: contractError.message,
    });
    if (this.#options.strict) throw contractError;
  }
}

// Factories rather than closures assigned to names: the loader names such closures at run time,
// which for ten processors costs more than the rest of the runner's set-up.
function emitterFor(processorId: string, events: HookRunnerEvents): HookContext['emit'] {
  // processor.id goes last: a processor cannot pass itself off as another one in the trace.
  return (name, attributes = {}) => events.event(name, withProcessorId(attributes, processorId));
}

/**
 * `{ ...attributes, 'processor.id': processorId }`. Each processor emits attributes of its own
 * shape, so a spread site sees many shapes and takes V8's slow generic path; `Object.assign` into
 * a fresh object copies the same own enumerable keys in the same order for a fraction of that.
 * Only an own `__proto__` key, which assigning would turn into a prototype, needs the spread.
 */
function withProcessorId(
  attributes: Record<string, string | number | boolean>,
  processorId: string,
): Record<string, string | number | boolean> {
  if (attributes !== null && Object.hasOwn(attributes, '__proto__'))
    return { ...attributes, 'processor.id': processorId };
  const copy: Record<string, string | number | boolean> = Object.assign({}, attributes);
  copy['processor.id'] = processorId;
  return copy;
}

/**
 * The processor's seeded random source, seeded on its first call: most processors never draw a
 * number, and hashing every processor's seed for every episode costs more than the rest of the
 * runner's set-up. The sequence is the one `createSeededRandom` gives for the same seed.
 */
function lazyRandomFor(seed: number, processorId: string): HookContext['random'] {
  let random: HookContext['random'] | undefined;
  return () => {
    random ??= createSeededRandom(hashString(`${seed}:${processorId}`));
    return random();
  };
}

function sleeperFor(signal: AbortSignal): HookContext['sleep'] {
  return (ms) => sleepWithSignal(ms, signal);
}

function describePatch(patch: unknown): string {
  if (patch !== null && typeof patch === 'object' && 'type' in patch) return `type "${String(patch.type)}"`;
  return typeof patch;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

export function sleepWithSignal(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new AbortedError());
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
