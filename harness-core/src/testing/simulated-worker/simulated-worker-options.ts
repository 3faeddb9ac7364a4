/**
 * Every knob of the simulated worker, with its default. The defaults stand for a small open model
 * (about 7B) in a text world and are calibrated on the household suite: a plain agent loop solves
 * every 4-action task but about half of all heldout tasks, while a loop that adds goal, plan, memory,
 * loop nudges, helpful errors and a finish check solves about 95% (household-behaviour.test.ts).
 * Each rate is a named option, not a constant in the logic, so it can be re-calibrated.
 */
import { z } from 'zod';
import { parseWith } from '../../schema.ts';

const rate = (fallback: number, description: string) =>
  z.number().min(0).max(1).default(fallback).describe(description);

export const simulatedWorkerOptionsSchema = z
  .object({
    /** Reported model id. Default `harnessx-sim-small`. */
    modelId: z.string().min(1).default('harnessx-sim-small').describe('Reported model id.'),
    /**
     * Facts within this many tokens of the end of the context (or in the system prompt) are always
     * recalled. Default 500: about 12 turns of a household episode.
     */
    recentWindowTokens: z
      .number()
      .int()
      .min(0)
      .default(500)
      .describe('Tokens from the end within which every fact is recalled.'),
    /**
     * Beyond the recent window a fact is recalled with probability
     * `0.5 ** ((distance - recentWindowTokens) / recallHalfLifeTokens)`. Default 400.
     */
    recallHalfLifeTokens: z
      .number()
      .positive()
      .default(400)
      .describe('Tokens past the window over which recall halves.'),
    /**
     * Every failure rate is multiplied by `1 + contextTokens / contextPenaltyTokens`: long contexts
     * make a small model sloppier. Default 2500.
     */
    contextPenaltyTokens: z
      .number()
      .positive()
      .default(2500)
      .describe('Context length that doubles every failure rate.'),
    /**
     * Base probability that a call's JSON arguments are malformed (single quotes, trailing comma,
     * missing brace, or a wrong key such as `object_name`). Default 0.07.
     */
    malformedArgumentsRate: rate(0.07, 'Base probability of malformed tool arguments.'),
    /**
     * After a bare JSON syntax error (one that does not name the tool's parameters), probability
     * that the next call is malformed again. Default 0.5. An error that names the parameters is
     * always followed by a well-formed call.
     */
    malformedAfterBareErrorRate: rate(0.5, 'Probability of another malformed call after a bare JSON error.'),
    /**
     * When the latest result says the action failed (`Nothing happens.`), probability of repeating
     * the exact same call, unless the repetition is visible. Default 0.6.
     */
    repeatFailedActionRate: rate(0.6, 'Probability of repeating the call that just failed.'),
    /** The same failed call visible this many times in the recent window stops the repetition. Default 3. */
    visibleRepetitionCount: z
      .number()
      .int()
      .min(1)
      .default(3)
      .describe('Visible failures of one call that stop its repetition.'),
    /** Base probability of perceiving the context without its last tool result. Default 0.04. */
    ignoreLastToolResultRate: rate(0.04, 'Base probability of ignoring the last tool result.'),
    /**
     * Base probability, on each call once it believes the main put is done, of calling `finish`
     * while the recalled goal is not fully met (e.g. the second object is missing). Once a finish
     * was answered without ending the episode and the goal is in view, it checks instead. Default 0.12.
     */
    earlyFinishRate: rate(0.12, 'Base probability of finishing without checking the goal.'),
  })
  .strict();

export type SimulatedWorkerOptions = z.input<typeof simulatedWorkerOptionsSchema>;
export type ResolvedSimulatedWorkerOptions = z.output<typeof simulatedWorkerOptionsSchema>;

/** Validates options, filling in defaults; throws an `InputError` naming each bad field. */
export function parseSimulatedWorkerOptions(options: unknown): ResolvedSimulatedWorkerOptions {
  return parseWith(
    simulatedWorkerOptionsSchema,
    options ?? {},
    'simulated worker options',
    'createSimulatedWorkerModel',
  );
}
