/**
 * `ModelV1`: the one interface between the runtime and any language model. Adapters translate it
 * to a wire protocol; test doubles implement it directly. A model sees only what `doGenerate`
 * receives: messages, tool schemas and sampling settings, never the harness that built them.
 */

/** A tool call as the model emitted it. `arguments` is the raw text, which may be malformed JSON. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** A message part we do not model ourselves (images, files, reasoning, ...), kept verbatim. */
export type ExtraPart = Record<string, unknown> & { type: string };

export type ChatMessage =
  | { role: 'system'; content: string; extraParts?: ExtraPart[] }
  | { role: 'user'; content: string; extraParts?: ExtraPart[] }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[]; extraParts?: ExtraPart[] }
  | {
      role: 'tool';
      toolCallId: string;
      name: string;
      content: string;
      isError?: boolean;
      extraParts?: ExtraPart[];
    };

export type ChatRole = ChatMessage['role'];

/** JSON Schema (draft 2020-12 subset) of a tool's parameters. */
export type JsonSchemaObject = Record<string, unknown>;

export interface ToolDefinition {
  name: string;
  description: string;
  parameters: JsonSchemaObject;
}

export type FinishReason = 'stop' | 'tool_call' | 'length' | 'content_filter' | 'error';

export interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface GenerateRequest {
  messages: readonly ChatMessage[];
  tools: readonly ToolDefinition[];
  toolChoice?: 'auto' | 'none' | 'required';
  temperature?: number;
  maxOutputTokens?: number;
  /** Sampling seed; providers that support it pass it on, doubles use it for their randomness. */
  seed?: number;
  signal?: AbortSignal;
}

export interface GenerateResult {
  text: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage: ModelUsage;
  /** Model id the server reports, when it differs from the requested one. */
  responseModel?: string;
  responseId?: string;
  /** Cost of this call in US dollars, when the provider's price is known. */
  costUsd?: number;
}

export interface ModelV1 {
  readonly specificationVersion: 'v1';
  /** Provider name as in the GenAI semantic conventions, e.g. `openai`, `aws.bedrock`. */
  readonly provider: string;
  readonly modelId: string;
  doGenerate(request: GenerateRequest): Promise<GenerateResult>;
}

/** Rough token count (4 characters a token): used where no tokenizer is available. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export function messageText(message: ChatMessage): string {
  if (message.role === 'assistant' && message.toolCalls && message.toolCalls.length > 0) {
    return `${message.content}${message.toolCalls.map((call) => `${call.name}(${call.arguments})`).join('\n')}`;
  }
  return message.content;
}

/** Estimated tokens one message adds to the context: its text plus 4 for the message framing. */
export function estimateMessageTokens(message: ChatMessage): number {
  return Math.ceil(messageTextLength(message) / 4) + 4;
}

/** `messageText(message).length`, without building the text (a history is estimated every turn). */
function messageTextLength(message: ChatMessage): number {
  if (message.role !== 'assistant' || !message.toolCalls || message.toolCalls.length === 0) {
    return message.content.length;
  }
  // Only strings add exactly their own length to a template; anything else is measured as written.
  if (typeof message.content !== 'string') return messageText(message).length;
  let length = message.content.length + message.toolCalls.length - 1;
  for (const call of message.toolCalls) {
    if (typeof call.name !== 'string' || typeof call.arguments !== 'string')
      return messageText(message).length;
    length += call.name.length + call.arguments.length + 2;
  }
  return length;
}

export function estimateMessagesTokens(messages: readonly ChatMessage[]): number {
  let total = 0;
  for (const message of messages) total += estimateMessageTokens(message);
  return total;
}
