/**
 * Parses `gen_ai.input.messages` / `gen_ai.tool.definitions` JSON strings, reusing earlier work.
 *
 * Each chat span of an episode carries the whole conversation so far, so the input of turn k+1 is
 * the input of turn k plus a few messages. Parsing every string in full costs time and garbage
 * quadratic in the episode length; here a string that extends a recently parsed one
 * (`[A,B]` → `[A,B,C,D]`) is parsed only from where they differ, and the earlier messages are
 * reused. Message objects may therefore be shared between the model calls of one episode: treat
 * trajectories as immutable values.
 */
import type { ChatMessage, ToolDefinition } from '../providers/model.ts';
import {
  chatMessagesFromGenAiMessage,
  type ToolNamesByCallId,
  toolDefinitionsFromGenAi,
} from './genai-messages.ts';

interface ParsedConversation {
  json: string;
  messages: ChatMessage[];
  toolNames: ToolNamesByCallId;
}

const REMEMBERED = 8;

function convert(document: unknown[], toolNames: ToolNamesByCallId): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const message of document) {
    for (const converted of chatMessagesFromGenAiMessage(message, toolNames)) out.push(converted);
  }
  return out;
}

function parseArray(json: string): unknown[] | undefined {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export class MessageParseCache {
  private readonly conversations: ParsedConversation[] = [];
  private lastTools: { json: string; tools: ToolDefinition[] } | undefined;

  /** Chat messages of a JSON array of messages; `undefined` when the text is not a JSON array. */
  inputMessages(json: string): ChatMessage[] | undefined {
    const same = this.conversations.find((conversation) => conversation.json === json);
    if (same !== undefined) return [...same.messages];
    const start = this.extendableFrom(json);
    let parsed: ParsedConversation | undefined;
    if (start !== undefined) {
      const rest = parseArray(`[${json.slice(start.json.length)}`);
      if (rest !== undefined) {
        const toolNames = new Map(start.toolNames);
        parsed = { json, messages: start.messages.concat(convert(rest, toolNames)), toolNames };
      }
    }
    if (parsed === undefined) {
      const document = parseArray(json);
      if (document === undefined) return undefined;
      const toolNames: ToolNamesByCallId = new Map();
      parsed = { json, messages: convert(document, toolNames), toolNames };
    }
    this.remember(parsed);
    return [...parsed.messages];
  }

  /** Tool definitions of a JSON array; consecutive equal strings (the usual case) parse once. */
  toolDefinitions(json: string): ToolDefinition[] | undefined {
    if (this.lastTools?.json === json) return [...this.lastTools.tools];
    const tools = toolDefinitionsFromGenAi(parseArray(json));
    if (tools !== undefined) this.lastTools = { json, tools };
    return tools === undefined ? undefined : [...tools];
  }

  /** A remembered conversation that `json` extends by more elements. */
  private extendableFrom(json: string): ParsedConversation | undefined {
    for (let index = this.conversations.length - 1; index >= 0; index--) {
      const candidate = this.conversations[index];
      if (candidate === undefined) continue;
      const previous = candidate.json;
      // `[A,B]` is extended by `[A,B,...`: same text up to the closing bracket, then a comma.
      if (
        previous.length > 2 &&
        previous.length < json.length &&
        json.charCodeAt(previous.length - 1) === 0x2c &&
        // Slice equality compares memory at once; startsWith goes character by character.
        json.slice(0, previous.length - 1) === previous.slice(0, -1)
      ) {
        return candidate;
      }
    }
    return undefined;
  }

  private remember(conversation: ParsedConversation): void {
    if (this.conversations.length >= REMEMBERED) this.conversations.shift();
    this.conversations.push(conversation);
  }
}
