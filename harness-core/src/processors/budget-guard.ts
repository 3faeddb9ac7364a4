/**
 * `budget-guard`: a model does not know its budgets, so it runs out of turns mid-task or makes a
 * call that takes the episode past its token budget. This processor tells the model how much is
 * left when little is, and interrupts before a request would leave less than `reserveTokens`.
 */
import { z } from 'zod';
import type { EpisodeView, InterruptPatch, RequestPatch } from '../harness/hooks.ts';
import { defineProcessor } from '../harness/processor.ts';
import { estimateMessagesTokens } from '../providers/model.ts';
import { fillTemplate } from './support/describe-action.ts';

/** Options of `budget-guard`; every field has a default, so `{}` parses. */
export const budgetGuardOptionsSchema = z
  .object({
    /** Warn when this many turns or fewer remain (this one included); 0 turns the turn warning off. */
    warnTurnsLeft: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .default(3)
      .describe('Warn at this many turns left; 0 = off.'),
    /** Warn when this fraction of the token budget or less remains; 0 turns the token warning off. */
    warnTokensLeftFraction: z
      .number()
      .min(0)
      .max(1)
      .default(0.15)
      .describe('Warn at this fraction of tokens left; 0 = off.'),
    /** Interrupt when the next request would leave fewer tokens than this for the answer; 0 turns it off. */
    reserveTokens: z
      .number()
      .int()
      .min(0)
      .default(500)
      .describe('Interrupt when a request would leave fewer tokens; 0 = off.'),
    /** Warning text; `{remaining}` becomes e.g. `2 turns and about 900 tokens`. */
    warningTemplate: z
      .string()
      .min(1)
      .default(
        'Note: only {remaining} are left in your budget. Do only the steps the task still needs and finish before you run out.',
      )
      .describe('Warning text; {remaining}.'),
  })
  .strict();

/** `budget-guard` options with defaults filled in. */
export type BudgetGuardOptions = z.output<typeof budgetGuardOptionsSchema>;

/** What is left of the budgets when a request is about to be sent. */
export interface BudgetStanding {
  turnsLeft: number;
  tokensLeft: number;
  /** Tokens this request is expected to take as input. */
  requestTokens: number;
}

/** How much of each budget remains before this request (pure). */
export function budgetStanding(episode: EpisodeView, messages: EpisodeView['messages']): BudgetStanding {
  const used = episode.usage.inputTokens + episode.usage.outputTokens;
  return {
    turnsLeft: episode.budgets.maxTurns - episode.turn,
    tokensLeft: episode.budgets.maxTokens - used,
    requestTokens: estimateMessagesTokens(messages),
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The `budget-guard` processor (see the module comment for the failure it fixes). */
export const budgetGuard = defineProcessor<BudgetGuardOptions>({
  id: 'budget-guard',
  version: 1,
  description:
    'Tells the model how many turns and tokens remain when few do, and interrupts before a request would exceed the token budget.',
  dimension: 'execution-limits',
  order: 'post',
  optionsSchema: budgetGuardOptionsSchema,
  create(options) {
    return {
      modelRequest(args): RequestPatch | InterruptPatch | undefined {
        const { budgets } = args.episode;
        const standing = budgetStanding(args.episode, args.messages);
        if (
          options.reserveTokens > 0 &&
          standing.tokensLeft - standing.requestTokens < options.reserveTokens
        ) {
          args.emit('budget-interrupted', {
            tokensLeft: standing.tokensLeft,
            requestTokens: standing.requestTokens,
          });
          return {
            type: 'interrupt',
            reason: `the next request (~${standing.requestTokens} tokens) would leave fewer than ${options.reserveTokens} of the ${budgets.maxTokens}-token budget`,
          };
        }
        const fewTurns = options.warnTurnsLeft > 0 && standing.turnsLeft <= options.warnTurnsLeft;
        const fewTokens =
          options.warnTokensLeftFraction > 0 &&
          standing.tokensLeft <= budgets.maxTokens * options.warnTokensLeftFraction;
        if (!fewTurns && !fewTokens) return undefined;
        const tokensAfterRequest = Math.max(0, standing.tokensLeft - standing.requestTokens);
        const remaining = `${plural(standing.turnsLeft, 'turn')} and about ${plural(tokensAfterRequest, 'token')}`;
        args.emit('budget-warned', { turnsLeft: standing.turnsLeft, tokensLeft: tokensAfterRequest });
        return { type: 'request', appendUserMessage: fillTemplate(options.warningTemplate, { remaining }) };
      },
    };
  },
});
