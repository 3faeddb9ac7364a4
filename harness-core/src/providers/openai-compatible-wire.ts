/**
 * The Chat Completions wire format (OpenAI, vLLM, SGLang, Ollama, SageMaker LMI): request body
 * from a `GenerateRequest`, and the validated response back into a `GenerateResult`.
 */
import { z } from 'zod';
import { parseWith } from '../schema.ts';
import { MODEL_RESPONSE_ENTITY } from './http-transport.ts';
import type { ChatMessage, FinishReason, GenerateRequest, ModelUsage, ToolCall } from './model.ts';
import { estimateMessagesTokens, estimateTokens } from './model.ts';

export interface ChatCompletionsToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type ChatCompletionsMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: ChatCompletionsToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface ChatCompletionsRequestBody {
  model: string;
  messages: ChatCompletionsMessage[];
  tools?: Array<{
    type: 'function';
    function: { name: string; description: string; parameters: Record<string, unknown> };
  }>;
  tool_choice?: 'auto' | 'none' | 'required';
  temperature?: number;
  max_tokens?: number;
  seed?: number;
  stream: false;
}

export interface ChatCompletionsDefaults {
  model: string;
  temperature?: number;
  maxOutputTokens?: number;
}

/**
 * Maps our messages to the wire. `extraParts` are trace-format parts (images, reasoning, …) whose
 * Chat Completions form differs per server, so they are not sent.
 */
export function toChatCompletionsMessage(message: ChatMessage): ChatCompletionsMessage {
  switch (message.role) {
    case 'system':
    case 'user':
      return { role: message.role, content: message.content };
    case 'assistant': {
      const toolCalls = message.toolCalls ?? [];
      if (toolCalls.length === 0) return { role: 'assistant', content: message.content };
      return {
        role: 'assistant',
        // OpenAI itself answers `content: null` next to tool calls; some servers reject "".
        content: message.content === '' ? null : message.content,
        tool_calls: toolCalls.map((call) => ({
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: call.arguments },
        })),
      };
    }
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  }
}

/** Builds the POST body; the request's sampling settings win over the adapter's defaults. */
export function toChatCompletionsRequestBody(
  request: GenerateRequest,
  defaults: ChatCompletionsDefaults,
): ChatCompletionsRequestBody {
  const body: ChatCompletionsRequestBody = {
    model: defaults.model,
    messages: request.messages.map(toChatCompletionsMessage),
    stream: false,
  };
  if (request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      function: { name: tool.name, description: tool.description, parameters: tool.parameters },
    }));
    if (request.toolChoice !== undefined) body.tool_choice = request.toolChoice;
  }
  const temperature = request.temperature ?? defaults.temperature;
  if (temperature !== undefined) body.temperature = temperature;
  const maxTokens = request.maxOutputTokens ?? defaults.maxOutputTokens;
  if (maxTokens !== undefined) body.max_tokens = maxTokens;
  if (request.seed !== undefined) body.seed = request.seed;
  return body;
}

// Servers add fields of their own (system_fingerprint, logprobs, reasoning_content, …): the
// objects are loose so those pass, while every field we read is checked.
const toolCallSchema = z.looseObject({
  id: z.string().min(1),
  type: z.literal('function').optional(),
  function: z.looseObject({ name: z.string().min(1), arguments: z.string() }),
});

const choiceSchema = z.looseObject({
  message: z.looseObject({
    content: z.string().nullable().optional(),
    tool_calls: z.array(toolCallSchema).nullable().optional(),
  }),
  finish_reason: z
    .enum(['stop', 'tool_calls', 'length', 'content_filter', 'function_call'])
    .nullable()
    .optional(),
});

export const chatCompletionsResponseSchema = z.looseObject({
  id: z.string().optional(),
  model: z.string().optional(),
  choices: z.array(choiceSchema).min(1, 'expected at least one choice'),
  usage: z
    .looseObject({
      prompt_tokens: z.number().int().min(0),
      completion_tokens: z.number().int().min(0),
    })
    .nullable()
    .optional(),
});

export type ChatCompletionsResponse = z.output<typeof chatCompletionsResponseSchema>;

const FINISH_REASONS: Record<string, FinishReason> = {
  stop: 'stop',
  tool_calls: 'tool_call',
  function_call: 'tool_call',
  length: 'length',
  content_filter: 'content_filter',
};

export interface ParsedChatCompletion {
  text: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage: ModelUsage;
  responseModel?: string;
  responseId?: string;
}

/**
 * Validates a 2xx body and maps it. Usage falls back to the 4-characters-a-token estimate when the
 * server reports none, so that budgets still count.
 * @throws InputError naming `source` and the path, e.g. `choices[0].message.tool_calls[0].function.name`.
 */
export function parseChatCompletionsResponse(
  body: unknown,
  source: string,
  request: GenerateRequest,
): ParsedChatCompletion {
  const response = parseWith(chatCompletionsResponseSchema, body, MODEL_RESPONSE_ENTITY, source);
  const choice = response.choices[0]!;
  const text = choice.message.content ?? '';
  const toolCalls: ToolCall[] = (choice.message.tool_calls ?? []).map((call) => ({
    id: call.id,
    name: call.function.name,
    arguments: call.function.arguments,
  }));
  let finishReason: FinishReason = FINISH_REASONS[choice.finish_reason ?? ''] ?? 'stop';
  // Some servers say "stop" (or nothing) next to parsed tool calls; the calls are what matters.
  if (toolCalls.length > 0 && finishReason === 'stop') finishReason = 'tool_call';
  const usage: ModelUsage = response.usage
    ? { inputTokens: response.usage.prompt_tokens, outputTokens: response.usage.completion_tokens }
    : {
        inputTokens: estimateMessagesTokens(request.messages),
        outputTokens: estimateTokens(text) + toolCalls.reduce((n, c) => n + estimateTokens(c.arguments), 0),
      };
  const parsed: ParsedChatCompletion = { text, toolCalls, finishReason, usage };
  if (response.model !== undefined) parsed.responseModel = response.model;
  if (response.id !== undefined) parsed.responseId = response.id;
  return parsed;
}
