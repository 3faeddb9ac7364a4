/**
 * Evolved code processors as harness processors. `createCodeProcessorDefinition` turns a code
 * reference (`{ id, code: { language: 'js', source, sha256 }, options }`) into a
 * `ProcessorDefinition` whose hooks call into a QuickJS sandbox: one session per episode, opened at
 * the episode's first hook call and closed at `taskEnd` (or, for an episode that never reaches
 * `taskEnd`, when its hooks are garbage-collected). Every failure is a `SandboxError`, which the
 * runtime records as a `processor-error` event; the host never runs the processor's code.
 */
import { z } from 'zod';
import type { SandboxError } from '../errors.ts';
import type { HookArgs, HookName, ProcessorHooks } from '../harness/hooks.ts';
import type { ProcessorDefinition, ProcessorDimension } from '../harness/processor.ts';
import {
  CODE_PROCESSOR_HOOKS,
  type CodeProcessorInspection,
  type CodeProcessorRef,
  verifyCodeProcessorRef,
} from './code-processor-contract.ts';
import { checkProcessorOptions, parseEmits, parsePatchJson, serializeHookArgs } from './sandbox-boundary.ts';
import { resolveSandboxLimits, type SandboxLimits, type SandboxLimitsInput } from './sandbox-limits.ts';
import { SandboxSession } from './sandbox-session.ts';

export interface CodeProcessorDefinitionOptions {
  /** Overrides of the sandbox limits (memory, stack, deadline, instruction budget, ...). */
  limits?: SandboxLimitsInput;
  /**
   * What `inspectCodeProcessor` found. With it, only the declared hooks are wired and `meta` gives
   * the dimension, description and order; without it every hook is wired (undeclared ones answer
   * nothing) and the dimension is `defaultDimension`.
   */
  inspection?: CodeProcessorInspection;
  /** The dimension when the source declares no `meta`. Default `observability`. */
  defaultDimension?: ProcessorDimension;
}

/**
 * Options of a code processor: any JSON object (it reaches the sandbox as `args.options`). Checked
 * as given, before any copy, so a `__proto__` key is seen rather than turned into a prototype.
 */
const codeProcessorOptionsSchema: z.ZodType<Record<string, unknown>> = z.custom<Record<string, unknown>>(
  (options) => {
    try {
      checkProcessorOptions('code processor', options);
      return true;
    } catch {
      return false;
    }
  },
  'expected a JSON object of options without __proto__, constructor or prototype keys',
);

/** One session's resources, kept apart from the episode object so the finalizer can free them. */
interface SessionHolder {
  session?: SandboxSession;
  closed: boolean;
}

const unclosedSessions = new FinalizationRegistry<SessionHolder>((holder) => {
  holder.closed = true;
  holder.session?.close();
});

/** The sandbox side of one episode of one code processor. */
class CodeProcessorEpisode {
  readonly #ref: CodeProcessorRef;
  readonly #limits: SandboxLimits;
  readonly #options: Record<string, unknown>;
  readonly #holder: SessionHolder = { closed: false };
  #opening: Promise<SandboxSession> | undefined;

  constructor(ref: CodeProcessorRef, limits: SandboxLimits, options: Record<string, unknown>) {
    this.#ref = ref;
    this.#limits = limits;
    this.#options = options;
    unclosedSessions.register(this, this.#holder, this);
  }

  async call(hook: HookName, args: HookArgs[HookName]): Promise<Record<string, unknown> | undefined> {
    const session = await this.#open(args.episode.seed);
    const argsJson = serializeHookArgs(hook, args, this.#options, this.#limits.maxArgsBytes);
    let result: Awaited<ReturnType<SandboxSession['call']>>;
    try {
      result = await session.call(hook, argsJson);
    } catch (error) {
      // Events a hook emitted before it failed still belong on the trace.
      const emitted = (error as SandboxError & { emits?: unknown }).emits;
      if (Array.isArray(emitted)) this.#forward(args, emitted);
      throw error;
    }
    for (const [name, attributes] of result.emits) args.emit(name, attributes);
    return result.patchJson === undefined
      ? undefined
      : parsePatchJson(result.patchJson, hook, this.#limits.maxResultBytes);
  }

  close(): void {
    if (this.#holder.closed) return;
    this.#holder.closed = true;
    unclosedSessions.unregister(this);
    this.#holder.session?.close();
    // A session still opening is closed as soon as it is open.
    this.#opening?.then((session) => session.close()).catch(() => undefined);
  }

  #open(seed: number): Promise<SandboxSession> {
    this.#opening ??= SandboxSession.open({
      processorId: this.#ref.id,
      source: this.#ref.code.source,
      sha256: this.#ref.code.sha256,
      seed,
      limits: this.#limits,
    }).then((session) => {
      this.#holder.session = session;
      if (this.#holder.closed) session.close();
      return session;
    });
    return this.#opening;
  }

  #forward(args: HookArgs[HookName], emitted: unknown[]): void {
    try {
      for (const [name, attributes] of parseEmits(emitted, this.#limits.maxEmitsPerCall))
        args.emit(name, attributes);
    } catch {
      // Malformed events from a failed call are dropped with the call; the failure itself is reported.
    }
  }
}

/**
 * The `ProcessorDefinition` of an evolved code processor.
 * @throws SandboxError `SANDBOX_HASH_MISMATCH` when `ref.code.sha256` is not the source's sha256,
 *   `SANDBOX_BAD_SOURCE` for an empty or oversized source; InputError for bad `limits`.
 * @example
 * const inspection = await inspectCodeProcessor(ref);
 * const definition = createCodeProcessorDefinition(ref, { inspection });
 */
export function createCodeProcessorDefinition(
  ref: CodeProcessorRef,
  options: CodeProcessorDefinitionOptions = {},
): ProcessorDefinition<Record<string, unknown>> {
  verifyCodeProcessorRef(ref);
  const limits = resolveSandboxLimits(options.limits, `limits of code processor "${ref.id}"`);
  const meta = options.inspection?.meta;
  const declared: readonly HookName[] = options.inspection?.hooks ?? CODE_PROCESSOR_HOOKS;
  return {
    id: ref.id,
    version: 1,
    description: meta?.description ?? `Evolved code processor "${ref.id}" (sandboxed JavaScript).`,
    dimension: meta?.dimension ?? options.defaultDimension ?? 'observability',
    optionsSchema: codeProcessorOptionsSchema,
    ...(meta?.order ? { order: meta.order } : {}),
    create(processorOptions) {
      const episode = new CodeProcessorEpisode(ref, limits, processorOptions);
      const hooks: Record<string, unknown> = {};
      for (const hook of declared) {
        if (hook !== 'taskEnd') hooks[hook] = (args: HookArgs[HookName]) => episode.call(hook, args);
      }
      const declaresTaskEnd = declared.includes('taskEnd');
      hooks['taskEnd'] = async (args: HookArgs['taskEnd']) => {
        try {
          return declaresTaskEnd ? await episode.call('taskEnd', args) : undefined;
        } finally {
          episode.close();
        }
      };
      return hooks as ProcessorHooks;
    },
  };
}

/**
 * Loads a code processor once in the sandbox (its top-level code under the load limits) and
 * reports its declared hooks and validated `meta`.
 * @throws SandboxError: `SANDBOX_HASH_MISMATCH`, `SANDBOX_SYNTAX`, `SANDBOX_TIMEOUT`,
 *   `SANDBOX_NO_PROCESSOR`, `SANDBOX_BAD_META`, ...
 */
export async function inspectCodeProcessor(
  ref: CodeProcessorRef,
  options: { limits?: SandboxLimitsInput } = {},
): Promise<CodeProcessorInspection> {
  verifyCodeProcessorRef(ref);
  const limits = resolveSandboxLimits(options.limits, `limits of code processor "${ref.id}"`);
  const session = await SandboxSession.open({
    processorId: ref.id,
    source: ref.code.source,
    sha256: ref.code.sha256,
    seed: 0,
    limits,
  });
  session.close();
  return session.inspection;
}

/** Builds code processor definitions for `ProcessorRegistry.resolve(refs, source, { codeProcessor })`. */
export type CodeProcessorFactory = (ref: CodeProcessorRef, path: string) => ProcessorDefinition<unknown>;

/**
 * Inspects every code processor among `refs` and returns the factory the registry calls for them.
 * A processor that failed inspection makes the factory throw its `SandboxError` for that ref.
 * @example
 * const codeProcessor = await prepareCodeProcessors(spec.processors);
 * const processors = registry.resolve(spec.processors, path, { codeProcessor });
 */
export async function prepareCodeProcessors(
  refs: readonly unknown[],
  options: Omit<CodeProcessorDefinitionOptions, 'inspection'> = {},
): Promise<CodeProcessorFactory> {
  const codeRefs = refs.filter(
    (ref): ref is CodeProcessorRef => ref !== null && typeof ref === 'object' && 'code' in ref,
  );
  const outcomes = new Map<string, CodeProcessorInspection | Error>();
  await Promise.all(
    codeRefs.map(async (ref) => {
      const key = `${ref.id}:${ref.code.sha256}`;
      if (outcomes.has(key)) return;
      outcomes.set(key, new Error('pending'));
      try {
        outcomes.set(key, await inspectCodeProcessor(ref, options));
      } catch (error) {
        outcomes.set(key, error as Error);
      }
    }),
  );
  return (ref) => {
    const outcome = outcomes.get(`${ref.id}:${ref.code.sha256}`);
    if (outcome instanceof Error) throw outcome;
    return createCodeProcessorDefinition(ref, { ...options, ...(outcome ? { inspection: outcome } : {}) });
  };
}
