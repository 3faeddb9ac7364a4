/**
 * Which tool results a growing history still shows near its end: the trimmed texts of the tool
 * messages within a token budget of the end, as `observationsInView` in `state-tracker-memory`
 * computes them from scratch. A message is in view when it and everything after it fit in the
 * budget, so the messages in view are the longest suffix that fits.
 *
 * Re-scanning that suffix on every request costs a walk over most of a short history each turn.
 * The history only grows between requests, so this keeps the suffix and its texts and moves it
 * along as messages arrive; when the history changed in any other way it starts over.
 */
import { type ChatMessage, estimateTokens } from '../../providers/model.ts';

/** Tokens a message takes in the budget: its content plus 4 for the framing. */
function messageTokens(message: ChatMessage): number {
  return estimateTokens(message.content) + 4;
}

export class ToolResultsInView {
  readonly #budget: number;
  /**
   * The history of the last update, as a plain copy: reading a frozen array's elements one by one
   * costs V8 several times as much as reading a plain array's, and a spread copies it at full
   * speed. Whether it was frozen, and where its suffix in view starts.
   */
  #messages: readonly ChatMessage[] = [];
  #frozen = false;
  #start = 0;
  /** Tokens of the messages in view. */
  #tokens = 0;
  /** Trimmed texts of the tool messages in view, with how many messages have each. */
  readonly #texts = new Map<string, number>();

  constructor(budget: number) {
    this.#budget = budget;
  }

  /** Moves the view to the end of `messages` and returns it. */
  update(history: readonly ChatMessage[]): this {
    const messages = [...history];
    if (!this.#extends(messages)) {
      this.#start = 0;
      this.#tokens = 0;
      this.#texts.clear();
      this.#messages = [];
    }
    for (let index = this.#messages.length; index < messages.length; index++) this.#enter(messages[index]!);
    while (this.#tokens > this.#budget && this.#start < messages.length)
      this.#leave(messages[this.#start++]!);
    this.#messages = messages;
    this.#frozen = Object.isFrozen(history);
    return this;
  }

  /** True when a tool message in view has exactly this (trimmed) text. */
  has(text: string): boolean {
    return this.#texts.has(text);
  }

  /**
   * True when `messages` is the last history plus new messages at its end. Only the messages in
   * view and the one just before them can change the answer, and the runtime's histories are
   * frozen arrays of frozen messages, so comparing those by identity is enough.
   */
  #extends(messages: readonly ChatMessage[]): boolean {
    const previous = this.#messages;
    if (!this.#frozen || messages.length < previous.length) return false;
    for (let index = Math.max(0, this.#start - 1); index < previous.length; index++) {
      if (messages[index] !== previous[index]) return false;
    }
    return true;
  }

  #enter(message: ChatMessage): void {
    this.#tokens += messageTokens(message);
    if (message.role !== 'tool') return;
    const text = message.content.trim();
    this.#texts.set(text, (this.#texts.get(text) ?? 0) + 1);
  }

  #leave(message: ChatMessage): void {
    this.#tokens -= messageTokens(message);
    if (message.role !== 'tool') return;
    const text = message.content.trim();
    const count = this.#texts.get(text) ?? 0;
    if (count <= 1) this.#texts.delete(text);
    else this.#texts.set(text, count - 1);
  }
}
