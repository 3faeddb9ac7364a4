/**
 * Perception: every recognised sentence in the context becomes a fact with a place in time and a
 * distance (in tokens) from the end of the context, which is what recall depends on.
 *
 * Tool results are the timeline of what happened. A sentence restated verbatim elsewhere (a memory
 * block, a nudge, the system prompt) refreshes the recall of the event it copies but does not move
 * that event in time, also when the tool result now shows it shortened (compacted or truncated);
 * a sentence seen nowhere in the tool results is an event at its own place.
 */
import { type ChatMessage, estimateTokens, messageText } from '../../providers/model.ts';
import { recognizePlans } from './worker-plan.ts';
import {
  recognizeGoalSentences,
  recognizeWorldSentences,
  type SentenceMatch,
  type SimulatedGoal,
  type WorldFact,
} from './world-sentences.ts';

export interface PerceivedFact<T> {
  readonly value: T;
  /** The sentence as written; equal sentences are one fact. */
  readonly text: string;
  /** Place in the timeline; a later fact overrides an earlier one. */
  readonly order: number;
  /** Tokens between the fact's nearest occurrence and the end of the context. */
  distance: number;
  /** Whether one occurrence sits in a system message (always in view). */
  inSystem: boolean;
}

export interface Perception {
  readonly world: readonly PerceivedFact<WorldFact>[];
  readonly goals: readonly PerceivedFact<SimulatedGoal>[];
  readonly plans: readonly PerceivedFact<SimulatedGoal>[];
  /** Estimated tokens of the whole context. */
  readonly contextTokens: number;
}

/** Tokens each message adds to the context, as `estimateMessagesTokens` counts them. */
export function messageTokenCounts(messages: readonly ChatMessage[]): number[] {
  return messages.map((message) => estimateTokens(messageText(message)) + 4);
}

/** For each message, the tokens of all messages after it. */
export function tokensAfterEach(messages: readonly ChatMessage[]): number[] {
  const counts = messageTokenCounts(messages);
  const after: number[] = new Array(messages.length).fill(0);
  for (let i = messages.length - 2; i >= 0; i--) after[i] = (after[i + 1] ?? 0) + (counts[i + 1] ?? 0);
  return after;
}

function groupByText<T>(
  occurrences: { match: SentenceMatch<T>; distance: number; inSystem: boolean }[],
): PerceivedFact<T>[] {
  const byText = new Map<string, PerceivedFact<T>>();
  occurrences.forEach(({ match, distance, inSystem }, order) => {
    const known = byText.get(match.text);
    if (known) {
      known.distance = Math.min(known.distance, distance);
      known.inSystem ||= inSystem;
    } else {
      byText.set(match.text, { value: match.value, text: match.text, order, distance, inSystem });
    }
  });
  return [...byText.values()];
}

/** Orders occurrences by message, then by place in the message. */
const MESSAGE_STRIDE = 1_000_000;

/**
 * Where in `text` a shortened rendition of `sentence` starts (its head cut off by an ellipsis, as
 * a compacted or truncated tool result shows it), or -1. The head must be at least 12 characters.
 */
export function findShortenedRendition(text: string, sentence: string): number {
  const head = sentence.slice(0, 12);
  for (let start = text.indexOf(head); start !== -1; start = text.indexOf(head, start + 1)) {
    const rest = text.slice(start);
    const cut = rest.search(/\.\.\.|…/);
    if (cut <= 0) continue;
    const kept = rest.slice(0, cut).replace(/[\s[(]+$/, '');
    if (kept.length >= head.length && sentence.startsWith(kept)) return start;
  }
  return -1;
}

/** Reads every fact, goal sentence and plan out of `messages`. */
export function perceiveContext(messages: readonly ChatMessage[]): Perception {
  const after = tokensAfterEach(messages);
  const texts = messages.map((message) => messageText(message));
  const world: PerceivedFact<WorldFact>[] = [];
  const latestToolFact = new Map<string, PerceivedFact<WorldFact>>();
  const goals: { match: SentenceMatch<SimulatedGoal>; distance: number; inSystem: boolean }[] = [];
  const plans: { match: SentenceMatch<SimulatedGoal>; distance: number; inSystem: boolean }[] = [];
  /** The time of the event a restated sentence copies, when a tool result shows it shortened. */
  const shortenedOriginal = (sentence: string, before: number): number | undefined => {
    for (let index = before - 1; index >= 0; index--) {
      if (messages[index]?.role !== 'tool') continue;
      const start = findShortenedRendition(texts[index] ?? '', sentence);
      if (start !== -1) return index * MESSAGE_STRIDE + start;
    }
    return undefined;
  };
  messages.forEach((message, index) => {
    const text = texts[index] ?? '';
    const distanceOf = (end: number) => (after[index] ?? 0) + Math.ceil((text.length - end) / 4);
    const inSystem = message.role === 'system';
    for (const match of recognizeWorldSentences(text)) {
      const distance = distanceOf(match.end);
      const original = message.role === 'tool' ? undefined : latestToolFact.get(match.text);
      if (original) {
        original.distance = Math.min(original.distance, distance);
        original.inSystem ||= inSystem;
        continue;
      }
      const ownPlace = index * MESSAGE_STRIDE + match.start;
      const order = message.role === 'tool' ? ownPlace : (shortenedOriginal(match.text, index) ?? ownPlace);
      const fact = { value: match.value, text: match.text, order, distance, inSystem };
      world.push(fact);
      if (message.role === 'tool') latestToolFact.set(match.text, fact);
    }
    for (const match of recognizeGoalSentences(text))
      goals.push({ match, distance: distanceOf(match.end), inSystem });
    for (const match of recognizePlans(text))
      plans.push({ match, distance: distanceOf(match.end), inSystem });
  });
  const contextTokens = messageTokenCounts(messages).reduce((sum, count) => sum + count, 0);
  return { world, goals: groupByText(goals), plans: groupByText(plans), contextTokens };
}
