/**
 * `model-fallback`: when the worker model's endpoint fails (overloaded, down, returning garbage),
 * the runtime ends the episode after a few failed calls although another model could carry on.
 * After `afterConsecutiveErrors` failed calls in a row, this processor routes the next
 * `stickyTurns` requests to the fallback model, then tries the primary again.
 */
import { z } from 'zod';
import type { RequestPatch } from '../harness/hooks.ts';
import { defineProcessor } from '../harness/processor.ts';

/** Options of `model-fallback`; every field has a default, so `{}` parses. */
export const modelFallbackOptionsSchema = z
  .object({
    /** Failed model calls in a row after which requests go to the fallback model. */
    afterConsecutiveErrors: z
      .number()
      .int()
      .min(1)
      .max(10)
      .default(1)
      .describe('Failed calls in a row before falling back.'),
    /** How many requests stay on the fallback model before the primary is tried again. */
    stickyTurns: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(3)
      .describe('Requests kept on the fallback model.'),
  })
  .strict();

/** `model-fallback` options with defaults filled in. */
export type ModelFallbackOptions = z.output<typeof modelFallbackOptionsSchema>;

/** Routing state between requests; `nextRoute` is a pure step over it. */
export interface FallbackState {
  consecutiveErrors: number;
  stickyLeft: number;
}

/** Decides the route of one request from whether the previous call failed (pure). */
export function nextRoute(
  state: FallbackState,
  previousCallFailed: boolean,
  options: ModelFallbackOptions,
): { state: FallbackState; route: 'primary' | 'fallback'; switched: boolean } {
  let { consecutiveErrors, stickyLeft } = state;
  consecutiveErrors = previousCallFailed ? consecutiveErrors + 1 : 0;
  let switched = false;
  if (stickyLeft === 0 && consecutiveErrors >= options.afterConsecutiveErrors) {
    stickyLeft = options.stickyTurns;
    consecutiveErrors = 0;
    switched = true;
  }
  if (stickyLeft > 0)
    return { state: { consecutiveErrors, stickyLeft: stickyLeft - 1 }, route: 'fallback', switched };
  return { state: { consecutiveErrors, stickyLeft }, route: 'primary', switched };
}

/** The `model-fallback` processor (see the module comment for the failure it fixes). */
export const modelFallback = defineProcessor<ModelFallbackOptions>({
  id: 'model-fallback',
  version: 1,
  description:
    'After failed model calls in a row, routes the next requests to the fallback model for a few turns.',
  dimension: 'model-routing',
  optionsSchema: modelFallbackOptionsSchema,
  create(options) {
    let state: FallbackState = { consecutiveErrors: 0, stickyLeft: 0 };
    return {
      modelRequest(args): RequestPatch | undefined {
        const step = nextRoute(state, args.episode.lastModelError !== undefined, options);
        state = step.state;
        if (step.switched) {
          args.emit('model-fallback-started', {
            error: args.episode.lastModelError?.type ?? 'unknown',
            turns: options.stickyTurns,
          });
        }
        return step.route === 'fallback' ? { type: 'request', route: 'fallback' } : undefined;
      },
    };
  },
});
