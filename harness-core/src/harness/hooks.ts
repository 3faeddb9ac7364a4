/**
 * The closed list of lifecycle hooks, what each receives and the one patch type each may return.
 * The runtime checks every returned patch against `hookPatchSchemas`; anything else is a
 * `ProcessorContractError`.
 */
import { z } from 'zod';
import type { ChatMessage, FinishReason, ToolCall, ToolDefinition } from '../providers/model.ts';
import type { HarnessBudgets } from './spec.ts';

export const HOOK_NAMES = [
  'taskStart',
  'turnStart',
  'modelRequest',
  'modelResponse',
  'toolCall',
  'toolResult',
  'turnEnd',
  'taskEnd',
] as const;
export type HookName = (typeof HOOK_NAMES)[number];

/** What every hook can read about the running episode. Everything is a frozen copy. */
export interface EpisodeView {
  readonly task: { readonly id: string; readonly suite: string; readonly instruction: string };
  /** 0-based index of the current turn. */
  readonly turn: number;
  readonly seed: number;
  readonly budgets: Readonly<HarnessBudgets>;
  readonly usage: {
    readonly inputTokens: number;
    readonly outputTokens: number;
    readonly toolCalls: number;
    readonly turns: number;
    readonly elapsedMs: number;
  };
  /** The conversation history as it stands (system message first). */
  readonly messages: readonly ChatMessage[];
  readonly tools: readonly ToolDefinition[];
  /** The last model call's failure, if the previous turn's model call failed. */
  readonly lastModelError?: { readonly type: string; readonly message: string };
}

export interface HookContext {
  readonly episode: EpisodeView;
  /** Records a trace event (`<noun>-<verb>` name) on the episode span. */
  emit(name: string, attributes?: Record<string, string | number | boolean>): void;
  /** Seeded random number in [0, 1), deterministic per episode and processor. */
  random(): number;
  /** Waits, honouring the episode's abort signal (for backoff). */
  sleep(ms: number): Promise<void>;
}

export interface HookArgs {
  taskStart: HookContext & { systemPrompt: string; tools: readonly ToolDefinition[] };
  turnStart: HookContext & { messages: readonly ChatMessage[] };
  modelRequest: HookContext & { messages: readonly ChatMessage[] };
  modelResponse: HookContext & {
    response: {
      readonly text: string;
      readonly toolCalls: readonly ToolCall[];
      readonly finishReason: FinishReason;
    };
  };
  toolCall: HookContext & { call: ToolCall; tool: ToolDefinition | undefined };
  /** `execute` re-runs the tool with the same arguments (for retry processors). */
  toolResult: HookContext & {
    call: ToolCall;
    result: { readonly content: string; readonly isError: boolean };
    execute(): Promise<{ content: string; isError: boolean }>;
  };
  turnEnd: HookContext & {
    record: {
      readonly text: string;
      readonly toolCalls: readonly { name: string; arguments: string; result: string; isError: boolean }[];
      readonly modelError?: { type: string; message: string };
    };
  };
  taskEnd: HookContext & { outcome: string; success: boolean; reward: number };
}

const toolCallSchema = z
  .object({ id: z.string().min(1), name: z.string().min(1), arguments: z.string() })
  .strict();
const toolDefinitionSchema = z
  .object({ name: z.string().min(1), description: z.string(), parameters: z.record(z.string(), z.unknown()) })
  .strict();
const messageSchema = z.union([
  z
    .object({
      role: z.enum(['system', 'user']),
      content: z.string(),
      extraParts: z.array(z.any()).optional(),
    })
    .strict(),
  z
    .object({
      role: z.literal('assistant'),
      content: z.string(),
      toolCalls: z.array(toolCallSchema).optional(),
      extraParts: z.array(z.any()).optional(),
    })
    .strict(),
  z
    .object({
      role: z.literal('tool'),
      toolCallId: z.string(),
      name: z.string(),
      content: z.string(),
      isError: z.boolean().optional(),
      extraParts: z.array(z.any()).optional(),
    })
    .strict(),
]);

const interruptPatchSchema = z.object({ type: z.literal('interrupt'), reason: z.string().min(1) }).strict();

export const taskStartPatchSchema = z
  .object({
    type: z.literal('task-start'),
    systemPrompt: z.string().optional(),
    tools: z.array(toolDefinitionSchema).optional(),
  })
  .strict();
export const historyPatchSchema = z
  .object({ type: z.literal('history'), messages: z.array(messageSchema) })
  .strict();
export const requestPatchSchema = z
  .object({
    type: z.literal('request'),
    lastUserContent: z.string().optional(),
    appendUserMessage: z.string().optional(),
    route: z.enum(['primary', 'fallback']).optional(),
  })
  .strict();
export const responsePatchSchema = z
  .object({
    type: z.literal('response'),
    text: z.string().optional(),
    toolCalls: z.array(toolCallSchema).optional(),
  })
  .strict();
export const toolCallPatchSchema = z.union([
  z.object({ type: z.literal('tool-call'), action: z.literal('rewrite'), arguments: z.string() }).strict(),
  z
    .object({
      type: z.literal('tool-call'),
      action: z.literal('intercept'),
      result: z.string(),
      isError: z.boolean(),
    })
    .strict(),
]);
export const toolResultPatchSchema = z
  .object({ type: z.literal('tool-result'), content: z.string(), isError: z.boolean().optional() })
  .strict();

export type TaskStartPatch = z.infer<typeof taskStartPatchSchema>;
export type HistoryPatch = z.infer<typeof historyPatchSchema>;
export type RequestPatch = z.infer<typeof requestPatchSchema>;
export type ResponsePatch = z.infer<typeof responsePatchSchema>;
export type ToolCallPatch = z.infer<typeof toolCallPatchSchema>;
export type ToolResultPatch = z.infer<typeof toolResultPatchSchema>;
export type InterruptPatch = z.infer<typeof interruptPatchSchema>;

export interface HookPatches {
  taskStart: TaskStartPatch;
  turnStart: HistoryPatch | InterruptPatch;
  modelRequest: RequestPatch | InterruptPatch;
  modelResponse: ResponsePatch | InterruptPatch;
  toolCall: ToolCallPatch | InterruptPatch;
  toolResult: ToolResultPatch | InterruptPatch;
  turnEnd: never;
  taskEnd: never;
}

/** The permission contract: which patch each hook may return. `null` = read-only hook. */
export const hookPatchSchemas: { [H in HookName]: z.ZodType | null } = {
  taskStart: taskStartPatchSchema,
  turnStart: z.union([historyPatchSchema, interruptPatchSchema]),
  modelRequest: z.union([requestPatchSchema, interruptPatchSchema]),
  modelResponse: z.union([responsePatchSchema, interruptPatchSchema]),
  toolCall: z.union([toolCallPatchSchema, interruptPatchSchema]),
  toolResult: z.union([toolResultPatchSchema, interruptPatchSchema]),
  turnEnd: null,
  taskEnd: null,
};

export type HookHandler<H extends HookName> = (
  args: HookArgs[H],
) => HookPatches[H] | undefined | Promise<HookPatches[H] | undefined>;

export type ProcessorHooks = { [H in HookName]?: HookHandler<H> };

/**
 * How a processor's call went, recorded as data on the trace: `pass` (no patch), `transform`
 * (a patch), `intercept` (a tool call answered without running), `interrupt` (episode stopped).
 */
export type ProcessorOutcome = 'pass' | 'transform' | 'intercept' | 'interrupt';
