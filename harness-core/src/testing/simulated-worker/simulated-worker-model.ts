/**
 * `SimulatedWorkerModel` (test double): stands in for a small open model (about 7B) acting in the
 * household text world. It reads only what `doGenerate` receives (messages, tool schemas, seed),
 * keeps no state between calls, and fails in seeded, realistic ways that a harness can only fix
 * through what it puts into the context. See DESIGN §5.
 *
 * @example
 * ```ts
 * const model = createSimulatedWorkerModel({ earlyFinishRate: 0.2 });
 * const result = await model.doGenerate({ messages, tools: episode.tools, seed: 7 });
 * ```
 */
import type { GenerateRequest, GenerateResult, ModelV1, ToolCall } from '../../providers/model.ts';
import { estimateMessagesTokens, estimateTokens } from '../../providers/model.ts';
import { decideNextCall } from './decide-next-call.ts';
import { parseSimulatedWorkerOptions, type SimulatedWorkerOptions } from './simulated-worker-options.ts';

export const SIMULATED_WORKER_PROVIDER = 'simulated';

/**
 * Creates the simulated worker. Options are validated up front (an `InputError` names each bad
 * field); the returned model is frozen, so nothing can give it memory between calls.
 */
export function createSimulatedWorkerModel(options: SimulatedWorkerOptions = {}): ModelV1 {
  const resolved = parseSimulatedWorkerOptions(options);
  const model: ModelV1 = {
    specificationVersion: 'v1',
    provider: SIMULATED_WORKER_PROVIDER,
    modelId: resolved.modelId,
    async doGenerate(request: GenerateRequest): Promise<GenerateResult> {
      const decision = decideNextCall(request, resolved);
      const toolCalls: ToolCall[] = decision.call
        ? [{ id: `call_${decision.requestHash.toString(16).padStart(8, '0')}`, ...decision.call }]
        : [];
      const inputTokens =
        estimateMessagesTokens(request.messages) +
        request.tools.reduce((sum, tool) => sum + estimateTokens(JSON.stringify(tool)), 0);
      const outputTokens =
        estimateTokens(decision.text) +
        toolCalls.reduce((sum, call) => sum + estimateTokens(call.name + call.arguments) + 2, 0);
      return {
        text: decision.text,
        toolCalls,
        finishReason: toolCalls.length > 0 ? 'tool_call' : 'stop',
        usage: { inputTokens, outputTokens },
      };
    },
  };
  return Object.freeze(model);
}
