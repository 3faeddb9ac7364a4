/**
 * What the plan proposes when the processor a failure calls for is already in the harness: one
 * step further in the direction that processor already pushes, within its schema's bounds, or
 * nothing when it has no such knob (the hypothesis is then skipped, not re-proposed as is).
 *
 * | processor              | re-configuration                                            |
 * |------------------------|-------------------------------------------------------------|
 * | verify-before-finish   | maxChecks + 1 (up to 3)                                     |
 * | loop-guard             | maxRepeats - 1 (down to 1): nudge after fewer failures      |
 * | tool-argument-repair   | turn on every repair/validation switch that is off          |
 * | state-tracker-memory   | omitRecentTokens halved (while >= 200): restate more        |
 * | context-compaction     | state: keepRecentTurns + 1 (up to 8); budget: maxContextTokens x 3/4 (>= 500) |
 * | tool-result-truncation | maxChars x 3/4 (while >= 600)                               |
 * | budget-guard           | warnTurnsLeft + 2 (up to 7)                                 |
 * | model-fallback         | afterConsecutiveErrors - 1 (down to 1)                      |
 * | tool-retry             | maxRetries + 1 (up to 4)                                    |
 * | others                 | none                                                        |
 */
import { builtinDefinition } from '../evolve/operators/spec-access.ts';

type Options = Record<string, unknown>;

const num = (options: Options, key: string): number => options[key] as number;

const RECONFIGURE: Readonly<
  Record<string, (options: Options, purpose?: 'state' | 'budget') => Options | undefined>
> = {
  'verify-before-finish': (o) =>
    num(o, 'maxChecks') < 3 ? { maxChecks: num(o, 'maxChecks') + 1 } : undefined,
  'loop-guard': (o) => (num(o, 'maxRepeats') > 1 ? { maxRepeats: num(o, 'maxRepeats') - 1 } : undefined),
  'tool-argument-repair': (o) => {
    const off = ['repairSyntax', 'validateSchema', 'mapNearMissKeys', 'coerceTypes'].filter(
      (key) => o[key] === false,
    );
    return off.length > 0 ? Object.fromEntries(off.map((key) => [key, true])) : undefined;
  },
  'state-tracker-memory': (o) =>
    num(o, 'omitRecentTokens') >= 200
      ? { omitRecentTokens: Math.floor(num(o, 'omitRecentTokens') / 2) }
      : undefined,
  'context-compaction': (o, purpose) => {
    if (purpose === 'state')
      return num(o, 'keepRecentTurns') < 8 ? { keepRecentTurns: num(o, 'keepRecentTurns') + 1 } : undefined;
    const lower = Math.floor((num(o, 'maxContextTokens') * 3) / 4);
    return lower >= 500 ? { maxContextTokens: lower } : undefined;
  },
  'tool-result-truncation': (o) =>
    num(o, 'maxChars') >= 600 ? { maxChars: Math.floor((num(o, 'maxChars') * 3) / 4) } : undefined,
  'budget-guard': (o) =>
    num(o, 'warnTurnsLeft') < 6 ? { warnTurnsLeft: num(o, 'warnTurnsLeft') + 2 } : undefined,
  'model-fallback': (o) =>
    num(o, 'afterConsecutiveErrors') > 1
      ? { afterConsecutiveErrors: num(o, 'afterConsecutiveErrors') - 1 }
      : undefined,
  'tool-retry': (o) => (num(o, 'maxRetries') < 4 ? { maxRetries: num(o, 'maxRetries') + 1 } : undefined),
};

/**
 * The option overrides to propose for a processor already present with `currentOptions` (input
 * form; defaults are filled in here), or `undefined` when there is nothing further to turn.
 */
export function reconfiguration(
  processorId: string,
  currentOptions: Options,
  purpose?: 'state' | 'budget',
): Options | undefined {
  const definition = builtinDefinition(processorId);
  const step = RECONFIGURE[processorId];
  if (!definition || !step) return undefined;
  const parsed = definition.optionsSchema.safeParse(currentOptions);
  if (!parsed.success) return undefined;
  return step(parsed.data as Options, purpose);
}
