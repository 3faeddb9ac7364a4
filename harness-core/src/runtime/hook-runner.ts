/**
 * Runs one hook across the episode's processors in registry order and enforces the permission
 * contract: a patch must match the hook's schema, and the runtime's own semantic checks (done by
 * `apply`) must pass. Violations become `ProcessorContractError`s: recorded as `processor-error`
 * events, and fatal in strict mode.
 */
import { AbortedError, HarnessError, ProcessorContractError } from '../errors.ts';
import type { EpisodeView, ProcessorHooks } from '../harness/hooks.ts';
import {
  type HookArgs,
  type HookContext,
  type HookName,
  type HookPatches,
  hookPatchSchemas,
} from '../harness/hooks.ts';
import { createSeededRandom, hashString } from '../random.ts';
import { formatIssuePath } from '../schema.ts';

export interface ActiveProcessor {
  readonly id: string;
  readonly hooks: ProcessorHooks;
  readonly random: () => number;
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

export class HookRunner {
  readonly #processors: ActiveProcessor[];
  readonly #options: HookRunnerOptions;

  constructor(processors: { id: string; hooks: ProcessorHooks }[], options: HookRunnerOptions) {
    this.#options = options;
    this.#processors = processors.map((processor) => ({
      ...processor,
      random: createSeededRandom(hashString(`${options.seed}:${processor.id}`)),
    }));
  }

  /**
   * Calls `hook` on every processor that has it. `buildArgs` makes the hook-specific part of the
   * arguments from the current state (so each processor sees the previous one's patch); `apply`
   * applies a schema-valid patch and throws `ProcessorContractError` for a semantic violation.
   */
  async run<H extends HookName>(
    hook: H,
    view: () => EpisodeView,
    buildArgs: () => Omit<HookArgs[H], keyof HookContext>,
    apply: (
      patch: Exclude<HookPatches[H], { type: 'interrupt' }>,
      processorId: string,
    ) => 'transform' | 'intercept',
  ): Promise<HookRunOutcome> {
    for (const processor of this.#processors) {
      const handler = processor.hooks[hook];
      if (!handler) continue;
      if (this.#options.signal.aborted) throw new AbortedError();
      const context: HookContext = {
        episode: view(),
        emit: (name, attributes = {}) =>
          this.#options.events.event(name, { 'processor.id': processor.id, ...attributes }),
        random: processor.random,
        sleep: (ms) => sleepWithSignal(ms, this.#options.signal),
      };
      const args = { ...buildArgs(), ...context } as HookArgs[H];
      try {
        const patch = await (handler as (a: HookArgs[H]) => unknown)(args);
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
    return { interrupted: false };
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
