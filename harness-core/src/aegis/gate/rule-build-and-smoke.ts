/**
 * Gate rule 3: the injected build (processor resolution, sandbox smoke test of code processors)
 * succeeded. A build that throws is a failed build, recorded with its message, not a crashed gate.
 */
import type { GateContext, RuleOutcome } from './gate-context.ts';

const MAX_RECORDED_ERRORS = 20;

function isBuildResult(value: unknown): value is { ok: boolean; errors: string[] } {
  if (value === null || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record['ok'] === 'boolean' &&
    Array.isArray(record['errors']) &&
    record['errors'].every((error) => typeof error === 'string')
  );
}

export async function checkBuildAndSmoke(context: GateContext): Promise<RuleOutcome> {
  let result: unknown;
  try {
    result = await context.input.build(context.input.candidate.spec);
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return {
      outcome: 'fail',
      inputs: { ok: false, errors: [message] },
      detail: `the build threw: ${message}`,
    };
  }
  if (!isBuildResult(result)) {
    return {
      outcome: 'fail',
      inputs: { ok: false, errors: ['the build returned no { ok, errors } result'] },
      detail: 'the build returned no { ok, errors } result',
    };
  }
  const errors = result.errors.slice(0, MAX_RECORDED_ERRORS);
  const inputs = { ok: result.ok, errors, errorCount: result.errors.length };
  if (result.ok && result.errors.length === 0)
    return { outcome: 'pass', inputs, detail: 'built and smoke-tested' };
  const reason = errors.length > 0 ? errors.join('; ') : 'the build reported failure without a message';
  return { outcome: 'fail', inputs, detail: `build or smoke test failed: ${reason}` };
}
