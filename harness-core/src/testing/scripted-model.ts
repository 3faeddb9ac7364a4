/**
 * `ScriptedModel` (test double): answers each `doGenerate` call with the next scripted step. A
 * step is a fixed result or a function of the request, so tests can script reactions to what a
 * processor put into the context. Every request is kept in `calls` for assertions.
 */
import type { GenerateRequest, GenerateResult, ModelV1, ToolCall } from '../providers/model.ts';
import { estimateMessagesTokens, estimateTokens } from '../providers/model.ts';

export type ScriptedStep =
  | { text?: string; toolCalls?: Array<Omit<ToolCall, 'id'> & { id?: string }> }
  | { error: Error }
  | ((request: GenerateRequest, callIndex: number) => ScriptedStep);

export interface ScriptedModelOptions {
  provider?: string;
  modelId?: string;
  /** What to answer once the script runs out: repeat the last step, or a plain stop. */
  whenExhausted?: 'repeat-last' | 'stop';
}

export class ScriptedModel implements ModelV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider: string;
  readonly modelId: string;
  readonly calls: GenerateRequest[] = [];
  readonly #steps: ScriptedStep[];
  readonly #whenExhausted: 'repeat-last' | 'stop';

  constructor(steps: ScriptedStep[], options: ScriptedModelOptions = {}) {
    this.#steps = steps;
    this.provider = options.provider ?? 'scripted';
    this.modelId = options.modelId ?? 'scripted-model';
    this.#whenExhausted = options.whenExhausted ?? 'stop';
  }

  async doGenerate(request: GenerateRequest): Promise<GenerateResult> {
    const index = this.calls.length;
    this.calls.push({ ...request, messages: structuredClone([...request.messages]), signal: undefined });
    let step: ScriptedStep | undefined = this.#steps[index];
    if (step === undefined)
      step = this.#whenExhausted === 'repeat-last' ? this.#steps.at(-1) : { text: 'done' };
    while (typeof step === 'function') step = step(request, index);
    if (step === undefined) step = { text: 'done' };
    if ('error' in step) throw step.error;
    const toolCalls: ToolCall[] = (step.toolCalls ?? []).map((call, i) => ({
      id: call.id ?? `call_${index}_${i}`,
      name: call.name,
      arguments: call.arguments,
    }));
    const text = step.text ?? '';
    return {
      text,
      toolCalls,
      finishReason: toolCalls.length > 0 ? 'tool_call' : 'stop',
      usage: {
        inputTokens: estimateMessagesTokens(request.messages),
        outputTokens:
          estimateTokens(text) + toolCalls.reduce((n, c) => n + estimateTokens(c.arguments) + 2, 0),
      },
    };
  }
}

/** Shorthand for a scripted tool call with object arguments. */
export function callTool(name: string, args: Record<string, unknown>): { toolCalls: Omit<ToolCall, 'id'>[] } {
  return { toolCalls: [{ name, arguments: JSON.stringify(args) }] };
}
