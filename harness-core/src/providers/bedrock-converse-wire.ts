/**
 * The Bedrock Converse wire format: request body from a `GenerateRequest` (system blocks, content
 * blocks, merged tool results, tool config) and the validated response back into our types.
 */
import { z } from 'zod';
import { parseWith } from '../schema.ts';
import { MODEL_RESPONSE_ENTITY } from './http-transport.ts';
import type { ChatMessage, FinishReason, GenerateRequest, ModelUsage, ToolCall } from './model.ts';

export type ConverseContentBlock =
  | { text: string }
  | { toolUse: { toolUseId: string; name: string; input: Record<string, unknown> } }
  | {
      toolResult: { toolUseId: string; content: Array<{ text: string }>; status: 'success' | 'error' };
    };

export interface ConverseMessage {
  role: 'user' | 'assistant';
  content: ConverseContentBlock[];
}

export interface ConverseRequestBody {
  messages: ConverseMessage[];
  system?: Array<{ text: string }>;
  toolConfig?: {
    tools: Array<{
      toolSpec: { name: string; description: string; inputSchema: { json: Record<string, unknown> } };
    }>;
    toolChoice?: { auto: Record<string, never> } | { any: Record<string, never> };
  };
  inferenceConfig?: { maxTokens?: number; temperature?: number };
}

export interface ConverseDefaults {
  temperature?: number;
  maxOutputTokens?: number;
}

// Converse rejects blank text blocks ("The text field in the ContentBlock object is blank"), so an
// empty message or tool result is sent as this marker rather than dropped (a dropped tool result
// would leave its toolUse unanswered, which Converse also rejects).
export const EMPTY_TEXT_PLACEHOLDER = '(empty)';

function textBlock(text: string): { text: string } {
  return { text: text.trim() === '' ? EMPTY_TEXT_PLACEHOLDER : text };
}

/**
 * Tool-call arguments as the JSON object Converse wants. Malformed JSON (or JSON that is not an
 * object) is sent as `{}`, and the raw text goes in a text block so the model still sees it.
 */
function toolUseBlocks(call: ToolCall): ConverseContentBlock[] {
  let input: unknown;
  try {
    input = JSON.parse(call.arguments);
  } catch {
    input = undefined;
  }
  if (input !== null && typeof input === 'object' && !Array.isArray(input)) {
    return [{ toolUse: { toolUseId: call.id, name: call.name, input: input as Record<string, unknown> } }];
  }
  return [
    { text: `Arguments of tool call ${call.id} (${call.name}), not a JSON object: ${call.arguments}` },
    { toolUse: { toolUseId: call.id, name: call.name, input: {} } },
  ];
}

function contentBlocksOf(message: Exclude<ChatMessage, { role: 'system' }>): ConverseContentBlock[] {
  if (message.role === 'user') return [textBlock(message.content)];
  if (message.role === 'tool') {
    return [
      {
        toolResult: {
          toolUseId: message.toolCallId,
          content: [textBlock(message.content)],
          status: message.isError ? 'error' : 'success',
        },
      },
    ];
  }
  const blocks: ConverseContentBlock[] = [];
  const calls = message.toolCalls ?? [];
  if (message.content.trim() !== '' || calls.length === 0) blocks.push(textBlock(message.content));
  for (const call of calls) blocks.push(...toolUseBlocks(call));
  return blocks;
}

/**
 * Maps our messages to Converse's: system messages become `system` blocks, tool messages become
 * `toolResult` blocks of a user message, and consecutive messages of the same Converse role are
 * merged, because Converse requires user and assistant turns to alternate.
 */
export function toConverseMessages(messages: readonly ChatMessage[]): {
  system: Array<{ text: string }>;
  messages: ConverseMessage[];
} {
  const system: Array<{ text: string }> = [];
  const converse: ConverseMessage[] = [];
  for (const message of messages) {
    if (message.role === 'system') {
      if (message.content.trim() !== '') system.push({ text: message.content });
      continue;
    }
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const blocks = contentBlocksOf(message);
    const last = converse.at(-1);
    if (last !== undefined && last.role === role) last.content.push(...blocks);
    else converse.push({ role, content: blocks });
  }
  return { system, messages: converse };
}

function historyUsesTools(messages: readonly ConverseMessage[]): boolean {
  return messages.some((message) =>
    message.content.some((block) => 'toolUse' in block || 'toolResult' in block),
  );
}

/**
 * Builds the POST body. Converse has no "none" tool choice and no seed: with `toolChoice: 'none'`
 * the tools are left out unless the history holds tool blocks (Converse rejects those without a
 * `toolConfig`), and the seed is not sent.
 */
export function toConverseRequestBody(
  request: GenerateRequest,
  defaults: ConverseDefaults,
): ConverseRequestBody {
  const { system, messages } = toConverseMessages(request.messages);
  const body: ConverseRequestBody = { messages };
  if (system.length > 0) body.system = system;
  const sendTools = request.tools.length > 0 && (request.toolChoice !== 'none' || historyUsesTools(messages));
  if (sendTools) {
    body.toolConfig = {
      tools: request.tools.map((tool) => ({
        toolSpec: { name: tool.name, description: tool.description, inputSchema: { json: tool.parameters } },
      })),
    };
    if (request.toolChoice === 'auto') body.toolConfig.toolChoice = { auto: {} };
    if (request.toolChoice === 'required') body.toolConfig.toolChoice = { any: {} };
  }
  const maxTokens = request.maxOutputTokens ?? defaults.maxOutputTokens;
  const temperature = request.temperature ?? defaults.temperature;
  if (maxTokens !== undefined || temperature !== undefined) {
    body.inferenceConfig = {};
    if (maxTokens !== undefined) body.inferenceConfig.maxTokens = maxTokens;
    if (temperature !== undefined) body.inferenceConfig.temperature = temperature;
  }
  return body;
}

// Loose objects: Converse adds blocks and fields over time (reasoningContent, metrics, trace);
// every field we read is still checked.
const responseBlockSchema = z.looseObject({
  text: z.string().optional(),
  toolUse: z
    .looseObject({
      toolUseId: z.string().min(1),
      name: z.string().min(1),
      input: z.unknown(),
    })
    .optional(),
});

export const converseResponseSchema = z.looseObject({
  output: z.looseObject({
    message: z.looseObject({
      role: z.literal('assistant').optional(),
      content: z.array(responseBlockSchema),
    }),
  }),
  stopReason: z.enum([
    'end_turn',
    'tool_use',
    'max_tokens',
    'stop_sequence',
    'content_filtered',
    'guardrail_intervened',
    'model_context_window_exceeded',
  ]),
  usage: z.looseObject({
    inputTokens: z.number().int().min(0),
    outputTokens: z.number().int().min(0),
  }),
});

const STOP_REASONS: Record<z.output<typeof converseResponseSchema>['stopReason'], FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  tool_use: 'tool_call',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  content_filtered: 'content_filter',
  guardrail_intervened: 'content_filter',
};

export interface ParsedConverseResponse {
  text: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage: ModelUsage;
}

/**
 * Validates a 2xx Converse body and maps it; text blocks are joined, `toolUse` inputs are
 * serialised back to the raw-text arguments our `ToolCall` carries.
 * @throws InputError naming `source` and the path, e.g. `output.message.content[1].toolUse.name`.
 */
export function parseConverseResponse(body: unknown, source: string): ParsedConverseResponse {
  const response = parseWith(converseResponseSchema, body, MODEL_RESPONSE_ENTITY, source);
  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of response.output.message.content) {
    if (block.text !== undefined) texts.push(block.text);
    if (block.toolUse !== undefined) {
      toolCalls.push({
        id: block.toolUse.toolUseId,
        name: block.toolUse.name,
        arguments: JSON.stringify(block.toolUse.input ?? {}),
      });
    }
  }
  let finishReason = STOP_REASONS[response.stopReason];
  if (toolCalls.length > 0 && finishReason === 'stop') finishReason = 'tool_call';
  return {
    // Separate blocks are separate paragraphs (e.g. text before and after a tool call).
    text: texts.join('\n'),
    toolCalls,
    finishReason,
    usage: { inputTokens: response.usage.inputTokens, outputTokens: response.usage.outputTokens },
  };
}
