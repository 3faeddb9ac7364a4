/**
 * `training-bridge`: GRPO training on harness trajectories must not treat a response that a
 * processor rewrote after sampling as the model's own tokens (spec cross-harness-grpo §10.4), and
 * must keep infrastructure failures out of the group statistics (E3). This read-only processor
 * tags every model call as trainable or not, with the reason, and the episode with its dataset
 * status, as trace events the GRPO builder reads.
 */
import { z } from 'zod';
import type { ResponsePatch } from '../harness/hooks.ts';
import { defineProcessor } from '../harness/processor.ts';
import type { ToolCall } from '../providers/model.ts';

/** Options of `training-bridge`; every field has a default, so `{}` parses. */
export const trainingBridgeOptionsSchema = z
  .object({
    /** Tag a call whose tool-call arguments were rewritten before running as not trainable. */
    untrainOnArgumentRewrite: z
      .boolean()
      .default(true)
      .describe('Tag a call whose tool arguments were rewritten before running as not trainable.'),
  })
  .strict();

/** `training-bridge` options with defaults filled in. */
export type TrainingBridgeOptions = z.output<typeof trainingBridgeOptionsSchema>;

/** Dataset status of an episode (spec §6), or `infra_error` for episodes that must not reach the file. */
export type TrainingStatus = 'completed' | 'agent_error' | 'budget_exhausted' | 'infra_error';

/** Maps an episode outcome to its dataset status (pure). */
export function trainingStatus(outcome: string): TrainingStatus {
  if (outcome === 'success' || outcome === 'failure') return 'completed';
  if (outcome === 'budget-exhausted') return 'budget_exhausted';
  if (outcome === 'interrupted') return 'agent_error';
  return 'infra_error';
}

interface SampledResponse {
  text: string;
  toolCalls: readonly Pick<ToolCall, 'name' | 'arguments'>[];
}

/**
 * Why the calls that ran differ from what the model sampled, or `undefined` when they do not (pure).
 * Only the calls that ran are compared: an episode may end before the last ones.
 */
export function rewriteReason(
  sampled: SampledResponse,
  final: { text: string; toolCalls: readonly { name: string; arguments: string }[] },
  options: TrainingBridgeOptions,
): string | undefined {
  if (sampled.text !== final.text) return 'response-text-rewritten';
  for (const [index, call] of final.toolCalls.entries()) {
    const original = sampled.toolCalls[index];
    if (!original || original.name !== call.name) return 'tool-calls-rewritten';
    if (options.untrainOnArgumentRewrite && original.arguments !== call.arguments)
      return 'tool-arguments-rewritten';
  }
  return undefined;
}

/** The `training-bridge` processor (see the module comment for the failure it fixes). */
export const trainingBridge = defineProcessor<TrainingBridgeOptions>({
  id: 'training-bridge',
  version: 1,
  description:
    'Tags each model call as trainable or not (responses rewritten after sampling are not) and each episode with its GRPO dataset status.',
  dimension: 'training-bridge',
  // Before every other processor, so that modelResponse sees the response exactly as sampled.
  order: -1,
  optionsSchema: trainingBridgeOptionsSchema,
  create(options) {
    const sampled = new Map<number, SampledResponse>();
    let trainableCalls = 0;
    let untrainableCalls = 0;
    return {
      modelResponse(args): ResponsePatch | undefined {
        sampled.set(args.episode.turn, {
          text: args.response.text,
          toolCalls: args.response.toolCalls.map((call) => ({ name: call.name, arguments: call.arguments })),
        });
        return undefined;
      },
      turnEnd(args): undefined {
        const turn = args.episode.turn;
        const original = sampled.get(turn);
        sampled.delete(turn);
        const reason = args.record.modelError
          ? 'model-error'
          : original
            ? rewriteReason(original, args.record, options)
            : 'response-not-seen';
        if (reason === 'model-error') return undefined;
        if (reason === undefined) trainableCalls++;
        else untrainableCalls++;
        args.emit('training-call-tagged', {
          turn,
          trainable: reason === undefined,
          reason: reason ?? 'sampled',
        });
        return undefined;
      },
      taskEnd(args): undefined {
        const status = trainingStatus(args.outcome);
        args.emit('training-episode-tagged', {
          status,
          eligible: status !== 'infra_error' && Number.isFinite(args.reward),
          reward: args.reward,
          trainableCalls,
          untrainableCalls,
        });
        return undefined;
      },
    };
  },
});
