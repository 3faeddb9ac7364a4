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

/** One processor's handler for one hook, with its per-processor context parts made once. */
interface HookEntry {
  readonly id: string;
  readonly handler: (args: never) => unknown;
  readonly emit: HookContext['emit'];
  readonly random: () => number;
  readonly sleep: HookContext['sleep'];
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
  events: HookRunnerEvents;
}

const NOT_INTERRUPTED: HookRunOutcome = Object.freeze({ interrupted: false });

export class HookRunner {
  /** Per hook, only the processors that handle it: hooks nobody handles cost nothing per turn. */
  readonly #entries: Partial<Record<HookName, HookEntry[]>> = {};
  readonly #options: HookRunnerOptions;

  constructor(processors: { id: string; hooks: ProcessorHooks }[], options: HookRunnerOptions) {
    this.#options = options;
    for (const processor of processors) {
      const emit: HookContext['emit'] = (name, attributes = {}) =>
        options.events.event(name, { 'processor.id': processor.id, ...attributes });
      const random = createSeededRandom(hashString(`${options.seed}:${processor.id}`));
      const sleep = (ms: number) => sleepWithSignal(ms, options.signal);
      for (const hook of HOOK_NAMES) {
        const handler = processor.hooks[hook];
        if (!handler) continue;
        (this.#entries[hook] ??= []).push({
          id: processor.id,
          handler: handler as never,
          emit,
          random,
          sleep,
        });
      }
    }
  }

  /**
   * Calls `hook` on every processor that has it. `buildArgs` makes the hook-specific part of the
   * arguments from the current state (so each processor sees the previous one's patch); `apply`
   * applies a schema-valid patch and throws `ProcessorContractError` for a semantic violation.
   */
  run<H extends HookName>(
    hook: H,
    view: () => EpisodeView,
    buildArgs: () => Omit<HookArgs[H], keyof HookContext>,
    apply: (
      patch: Exclude<HookPatches[H], { type: 'interrupt' }>,
      processorId: string,
    ) => 'transform' | 'intercept',
  ): HookRunOutcome | Promise<HookRunOutcome> {
    const entries = this.#entries[hook];
    // Hooks nobody handles answer synchronously, without creating a promise.
    if (entries === undefined) return NOT_INTERRUPTED;
    return this.#runEntries(hook, entries, view, buildArgs, apply);
  }

  async #runEntries<H extends HookName>(
    hook: H,
    entries: HookEntry[],
    view: () => EpisodeView,
    buildArgs: () => Omit<HookArgs[H], keyof HookContext>,
    apply: (
      patch: Exclude<HookPatches[H], { type: 'interrupt' }>,
      processorId: string,
    ) => 'transform' | 'intercept',
  ): Promise<HookRunOutcome> {
    // The view only changes when a patch is applied, so it is built once and rebuilt after a patch.
    let episode: EpisodeView | undefined;
    for (const processor of entries) {
      if (this.#options.signal.aborted) throw new AbortedError();
      episode ??= view();
      const args = Object.assign(buildArgs(), {
        episode,
        emit: processor.emit,
        random: processor.random,
        sleep: processor.sleep,
      }) as HookArgs[H];
      try {
        let patch = (processor.handler as (a: HookArgs[H]) => unknown)(args);
        // Most handlers are synchronous; awaiting only real promises saves a microtask per call.
        if (patch instanceof Promise) patch = await patch;
        if (patch === undefined) continue;
        const schema = hookPatchSchemas[hook];
        if (schema === null) {
          throw new ProcessorContractError(
            processor.id,
            hook,
            `${hook} is read-only and may not return a patch`,
          );
        }
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
        const valid = parsed.data as HookPatches[H];
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
        episode = undefined;
        this.#options.events.event('processor-outcome', { 'processor.id': processor.id, hook, outcome });
      } catch (error) {
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
    return NOT_INTERRUPTED;
  }
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
