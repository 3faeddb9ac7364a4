/**
 * `loop-guard`: a model that does not register a failure repeats the same call until the budget
 * runs out. This processor counts failures per distinct action (tool name + canonical arguments)
 * and identical calls in a row, and, while the model is repeating itself, tells it in plain words
 * which action failed, how often, and to re-check the state and try something else.
 */
import { z } from 'zod';
import type { InterruptPatch, RequestPatch } from '../harness/hooks.ts';
import { defineProcessor } from '../harness/processor.ts';
import { actionKey, describeAction, fillTemplate } from './support/describe-action.ts';
import { compileFailurePatterns, matchesFailurePattern } from './support/failure-patterns.ts';

/** Options of `loop-guard`; every field has a default, so `{}` parses. */
export const loopGuardOptionsSchema = z
  .object({
    /** Failures of the same call (name + arguments) after which the model is told to stop repeating it. */
    maxRepeats: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(2)
      .describe('Failures of the same call before a nudge.'),
    /** Identical calls in a row, whatever their outcome, after which the model is told; 0 turns this off. */
    maxIdenticalCalls: z
      .number()
      .int()
      .min(0)
      .max(100)
      .default(4)
      .describe('Identical calls in a row before a nudge; 0 = off.'),
    /** Failures of the same call after which the episode is interrupted; 0 turns this off. */
    interruptAfter: z
      .number()
      .int()
      .min(0)
      .max(100)
      .default(0)
      .describe('Failures of one call that interrupt the episode; 0 = off.'),
    /** Case-insensitive regexes marking a non-error result as a failure (environments that say so in prose). */
    failurePatterns: z
      .array(z.string())
      .default(['^nothing happens\\b'])
      .describe('Regexes that mark a non-error result as a failure.'),
    /** Nudge for a repeated failing call; `{action}`, `{count}` and `{result}` are filled in. */
    failedTemplate: z
      .string()
      .min(1)
      .default(
        'Note: you have tried {action} {count} times and it failed every time (last result: {result}). Doing it again will fail again. Re-check the current state (where you are, what you hold, what is open or closed) and try something else.',
      )
      .describe('Nudge for a repeated failing call; {action}, {count}, {result}.'),
    /** Nudge for the same call repeated in a row; `{action}` and `{count}` are filled in. */
    repeatedTemplate: z
      .string()
      .min(1)
      .default(
        'Note: you have done {action} {count} times in a row. Repeating it will not change anything. Re-check the current state and try something else.',
      )
      .describe('Nudge for identical calls in a row; {action}, {count}.'),
  })
  .strict();

/** `loop-guard` options with defaults filled in. */
export type LoopGuardOptions = z.output<typeof loopGuardOptionsSchema>;

interface FailureRecord {
  count: number;
  description: string;
  lastResult: string;
}

const RESULT_PREVIEW_CHARS = 160;

function preview(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > RESULT_PREVIEW_CHARS ? `${line.slice(0, RESULT_PREVIEW_CHARS)}...` : line;
}

function hasRepeatedFailure(
  keys: ReadonlySet<string>,
  failures: ReadonlyMap<string, FailureRecord>,
  maxRepeats: number,
): boolean {
  for (const key of keys) if ((failures.get(key)?.count ?? 0) >= maxRepeats) return true;
  return false;
}

/** The `loop-guard` processor (see the module comment for the failure it fixes). */
export const loopGuard = defineProcessor<LoopGuardOptions>({
  id: 'loop-guard',
  version: 1,
  description:
    'Detects the same failing call repeated (or one call repeated in a row) and tells the model which action failed and to re-check the state and try something else.',
  dimension: 'control-flow-safety',
  order: 'post',
  optionsSchema: loopGuardOptionsSchema,
  create(options) {
    const failurePatterns = compileFailurePatterns(options.failurePatterns);
    const failures = new Map<string, FailureRecord>();
    const streak = { key: '', count: 0, description: '' };
    let recentTurn = -1;
    let recentKeys = new Set<string>();

    return {
      toolResult(args) {
        if (args.episode.turn !== recentTurn) {
          recentTurn = args.episode.turn;
          recentKeys = new Set();
        }
        const key = actionKey(args.call.name, args.call.arguments);
        const description = describeAction(args.call.name, args.call.arguments);
        recentKeys.add(key);
        if (streak.key === key) streak.count++;
        else {
          streak.key = key;
          streak.count = 1;
          streak.description = description;
        }
        const failed = args.result.isError || matchesFailurePattern(failurePatterns, args.result.content);
        if (failed) {
          const record = failures.get(key) ?? { count: 0, description, lastResult: '' };
          record.count++;
          record.lastResult = preview(args.result.content);
          failures.set(key, record);
        } else failures.delete(key);
        return undefined;
      },
      modelRequest(args): RequestPatch | InterruptPatch | undefined {
        const repeating = options.maxIdenticalCalls > 0 && streak.count >= options.maxIdenticalCalls;
        // The common turn: nothing failed twice and no streak, so there is nothing to say.
        if (!repeating && !hasRepeatedFailure(recentKeys, failures, options.maxRepeats)) return undefined;
        const nudges: string[] = [];
        const nudged = new Set<string>();
        for (const key of recentKeys) {
          const record = failures.get(key);
          if (!record || record.count < options.maxRepeats) continue;
          if (options.interruptAfter > 0 && record.count >= options.interruptAfter) {
            args.emit('loop-interrupted', { action: record.description, count: record.count });
            return { type: 'interrupt', reason: `${record.description} failed ${record.count} times` };
          }
          nudged.add(key);
          nudges.push(
            fillTemplate(options.failedTemplate, {
              action: record.description,
              count: record.count,
              result: record.lastResult,
            }),
          );
        }
        if (repeating && recentKeys.has(streak.key) && !nudged.has(streak.key)) {
          nudges.push(
            fillTemplate(options.repeatedTemplate, { action: streak.description, count: streak.count }),
          );
        }
        if (nudges.length === 0) return undefined;
        args.emit('loop-detected', { nudges: nudges.length });
        return { type: 'request', appendUserMessage: nudges.join('\n') };
      },
    };
  },
});
