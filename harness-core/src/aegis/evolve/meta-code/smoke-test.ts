/**
 * The smoke test of an evolved code processor, run before it is evaluated and by the gate's
 * build-and-smoke rule: refuse a source that reaches for host objects, load it in the sandbox, then run every hook it declares through a small
 * synthetic episode (smoke-episode.ts) within the sandbox limits, and check each returned patch
 * against the hook's patch schema and the runtime's semantic checks. Deterministic: same source,
 * same result (up to the wall-clock deadline, which a sane processor is far from).
 *
 * It lives here rather than in `sandbox/` because it checks patches against the harness's hook
 * contract, and `sandbox/` sits below `harness/` in the module map.
 */
import { HarnessError, ProcessorContractError } from '../../../errors.ts';
import { type HookArgs, type HookName, hookPatchSchemas } from '../../../harness/hooks.ts';
import type { ProcessorRef } from '../../../harness/spec.ts';
import { applyHistoryPatch, applyRequestPatch, applyTaskStartPatch } from '../../../runtime/patches.ts';
import {
  type CodeProcessorInspection,
  type CodeProcessorRef,
  createCodeProcessorDefinition,
  inspectCodeProcessor,
  type SandboxLimitsInput,
  scanForHostAccess,
} from '../../../sandbox/index.ts';
import { formatIssuePath } from '../../../schema.ts';
import { SMOKE_TOOLS, type SmokeStep, smokeEpisodeSteps } from './smoke-episode.ts';

/** One problem the smoke test found: the hook (or `load`), a stable code and what happened. */
export interface SmokeError {
  hook: HookName | 'load';
  /** A `SANDBOX_*` code, or `PROCESSOR_CONTRACT` for a patch the hook does not permit. */
  code: string;
  message: string;
}

export interface SmokeResult {
  ok: boolean;
  errors: SmokeError[];
  /** The declared hooks and `meta`, when the source loaded. */
  inspection?: CodeProcessorInspection;
}

export interface SmokeTestOptions {
  limits?: SandboxLimitsInput;
  /** Seed of the synthetic episode (the sandbox's `Math.random`). Default 7. */
  seed?: number;
}

const MAX_ERRORS = 20;

/**
 * Loads the processor and runs its hooks on a synthetic episode within the sandbox limits.
 * Never throws for a bad processor: every problem is an entry of `errors`.
 * @example
 * const smoke = await smokeTestCodeProcessor(ref);
 * if (!smoke.ok) reject(smoke.errors.map((e) => `${e.hook} ${e.code}: ${e.message}`));
 */
export async function smokeTestCodeProcessor(
  ref: CodeProcessorRef,
  options: SmokeTestOptions = {},
): Promise<SmokeResult> {
  // Code that reaches for the host is refused before it runs: inside the sandbox the reach finds
  // nothing, but it shows intent, and the gate should record it as the reason.
  const reaches = scanForHostAccess(ref.code.source);
  if (reaches.length > 0) {
    const list = reaches.map((reach) => `${reach.token} (line ${reach.line})`).join(', ');
    return {
      ok: false,
      errors: [
        {
          hook: 'load',
          code: 'SANDBOX_HOST_ACCESS',
          message: `the source reaches for host objects: ${list}`,
        },
      ],
    };
  }
  let inspection: CodeProcessorInspection;
  try {
    inspection = await inspectCodeProcessor(ref, options.limits ? { limits: options.limits } : {});
  } catch (error) {
    return { ok: false, errors: [toSmokeError('load', error)] };
  }
  const definition = createCodeProcessorDefinition(ref, {
    inspection,
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const parsedOptions = definition.optionsSchema.safeParse(ref.options);
  if (!parsedOptions.success) {
    const message = parsedOptions.error.issues[0]?.message ?? 'invalid options';
    return { ok: false, errors: [{ hook: 'load', code: 'SANDBOX_BAD_INPUT', message }], inspection };
  }
  const hooks = definition.create(parsedOptions.data) as Record<
    string,
    ((args: unknown) => unknown) | undefined
  >;
  const errors: SmokeError[] = [];
  for (const step of smokeEpisodeSteps(options.seed ?? 7)) {
    const handler = hooks[step.hook];
    if (!handler) continue;
    try {
      const patch = await handler(hookArgs(step));
      const problem = checkPatch(step, patch, ref.id);
      if (problem) errors.push({ hook: step.hook, code: 'PROCESSOR_CONTRACT', message: problem });
    } catch (error) {
      const found = toSmokeError(step.hook, error);
      // Calls after a limit breach answer SANDBOX_DISABLED: a consequence, already recorded.
      if (found.code !== 'SANDBOX_DISABLED') errors.push(found);
    }
  }
  const unique = dedupe(errors).slice(0, MAX_ERRORS);
  return { ok: unique.length === 0, errors: unique, inspection };
}

/**
 * Smoke-tests every code processor of a harness's processor list; the shape the gate's injected
 * build returns (`{ ok, errors: string[] }`), one line per problem.
 */
export async function smokeTestHarnessCodeProcessors(
  processors: readonly ProcessorRef[],
  options: SmokeTestOptions = {},
): Promise<{ ok: boolean; errors: string[] }> {
  const errors: string[] = [];
  for (const ref of processors) {
    if (!('code' in ref)) continue;
    const result = await smokeTestCodeProcessor(ref, options);
    for (const error of result.errors) errors.push(`${ref.id} ${error.hook} ${error.code}: ${error.message}`);
  }
  return { ok: errors.length === 0, errors };
}

function hookArgs(step: SmokeStep): HookArgs[HookName] {
  const args: Record<string, unknown> = {
    ...step.data,
    episode: step.episode,
    // Events are validated by the sandbox boundary; the smoke test only needs somewhere to put them.
    emit: () => undefined,
    random: () => 0.5,
    sleep: async () => undefined,
  };
  if (step.hook === 'toolResult') args['execute'] = async () => step.data['result'];
  return args as unknown as HookArgs[HookName];
}

/** The runtime's checks on one returned patch: the hook's schema, then its semantic rules. */
function checkPatch(step: SmokeStep, patch: unknown, processorId: string): string | undefined {
  if (patch === undefined) return undefined;
  const schema = hookPatchSchemas[step.hook];
  if (schema === null) return `${step.hook} is read-only and may not return a patch`;
  const parsed = schema.safeParse(patch);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const type = (patch as { type?: unknown }).type;
    return `returned a patch ${step.hook} does not permit (type ${JSON.stringify(type)}${issue ? ` at ${formatIssuePath(issue.path) || '(root)'}: ${issue.message}` : ''})`;
  }
  const valid = parsed.data as { type: string };
  if (valid.type === 'interrupt') return undefined;
  try {
    if (step.hook === 'taskStart') {
      const state = { systemPrompt: String(step.data['systemPrompt']), tools: SMOKE_TOOLS };
      applyTaskStartPatch(valid as never, processorId, state, SMOKE_TOOLS);
    } else if (step.hook === 'turnStart') {
      applyHistoryPatch(valid as never, processorId, step.data['messages'] as never);
    } else if (step.hook === 'modelRequest') {
      const messages = [...(step.data['messages'] as never[])];
      applyRequestPatch(
        valid as never,
        processorId,
        { messages, appended: [], route: 'primary' },
        messages.length,
      );
    }
  } catch (error) {
    if (error instanceof ProcessorContractError) return error.message;
    throw error;
  }
  return undefined;
}

function toSmokeError(hook: SmokeError['hook'], error: unknown): SmokeError {
  if (error instanceof HarnessError) return { hook, code: error.code, message: error.message };
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { hook, code: 'ERROR', message };
}

function dedupe(errors: SmokeError[]): SmokeError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.hook}\u0000${error.code}\u0000${error.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
