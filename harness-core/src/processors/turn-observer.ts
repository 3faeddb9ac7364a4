/**
 * `turn-observer`: the trace records what happened, but not the signals digest looks for first
 * (tool errors, repeated actions, token growth). This read-only processor emits them as one event
 * per turn and one per episode, so that a harness's failure modes can be counted without
 * re-deriving them from every span.
 */
import { z } from 'zod';
import { defineProcessor } from '../harness/processor.ts';
import { actionKey } from './support/describe-action.ts';

/** Options of `turn-observer`; every field has a default, so `{}` parses. */
export const turnObserverOptionsSchema = z
  .object({
    /** Emit an event at the end of every turn (the episode summary is always emitted). */
    perTurn: z.boolean().default(true).describe('Emit an event at the end of every turn.'),
  })
  .strict();

/** `turn-observer` options with defaults filled in. */
export type TurnObserverOptions = z.output<typeof turnObserverOptionsSchema>;

/** Counters kept across an episode. */
export interface ObservedTotals {
  toolCalls: number;
  toolErrors: number;
  /** Calls whose action (name + canonical arguments) had been made before in the episode. */
  repeatedActions: number;
  modelErrors: number;
}

/** The `turn-observer` processor (see the module comment for the failure it fixes). */
export const turnObserver = defineProcessor<TurnObserverOptions>({
  id: 'turn-observer',
  version: 1,
  description:
    'Emits per-turn and per-episode events with tool error counts, repeated actions and tokens (read-only).',
  dimension: 'observability',
  order: 'post',
  optionsSchema: turnObserverOptionsSchema,
  create(options) {
    const seen = new Set<string>();
    const totals: ObservedTotals = { toolCalls: 0, toolErrors: 0, repeatedActions: 0, modelErrors: 0 };
    return {
      turnEnd(args): undefined {
        let toolErrors = 0;
        let repeatedActions = 0;
        for (const call of args.record.toolCalls) {
          const key = actionKey(call.name, call.arguments);
          if (seen.has(key)) repeatedActions++;
          seen.add(key);
          if (call.isError) toolErrors++;
        }
        totals.toolCalls += args.record.toolCalls.length;
        totals.toolErrors += toolErrors;
        totals.repeatedActions += repeatedActions;
        if (args.record.modelError) totals.modelErrors++;
        if (options.perTurn) {
          args.emit('turn-observed', {
            turn: args.episode.turn,
            toolCalls: args.record.toolCalls.length,
            toolErrors,
            repeatedActions,
            modelError: args.record.modelError !== undefined,
            inputTokens: args.episode.usage.inputTokens,
            outputTokens: args.episode.usage.outputTokens,
          });
        }
        return undefined;
      },
      taskEnd(args): undefined {
        args.emit('episode-observed', {
          outcome: args.outcome,
          success: args.success,
          reward: args.reward,
          turns: args.episode.usage.turns,
          toolCalls: totals.toolCalls,
          toolErrors: totals.toolErrors,
          repeatedActions: totals.repeatedActions,
          distinctActions: seen.size,
          modelErrors: totals.modelErrors,
          inputTokens: args.episode.usage.inputTokens,
          outputTokens: args.episode.usage.outputTokens,
        });
        return undefined;
      },
    };
  },
});
