/**
 * `state-tracker-memory`: a small model forgets what it saw a few turns back (which drawer held
 * the key, where it is standing), then re-explores or acts on a wrong belief. This processor keeps
 * the latest successful observation of each distinct action, and the latest observation of a move,
 * and re-states them verbatim at the end of every request, where recall is reliable.
 */
import { z } from 'zod';
import type { RequestPatch } from '../harness/hooks.ts';
import { defineProcessor } from '../harness/processor.ts';
import { type ChatMessage, estimateTokens } from '../providers/model.ts';
import { actionKey, describeAction } from './support/describe-action.ts';
import { ToolResultsInView } from './support/tool-results-in-view.ts';

/** Options of `state-tracker-memory`; every field has a default, so `{}` parses. */
export const stateTrackerMemoryOptionsSchema = z
  .object({
    /** At most this many observations are listed (the latest ones). */
    maxEntries: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(40)
      .describe('Observations listed at most (latest first).'),
    /** The memory message stops before it grows past this many characters. */
    maxChars: z.number().int().min(200).default(6000).describe('Upper bound on the memory message length.'),
    /**
     * Observations still verbatim within this many tokens of the end of the context are not
     * repeated: they are in view already, and every repeated token pushes the rest further back.
     */
    omitRecentTokens: z
      .number()
      .int()
      .min(0)
      .default(600)
      .describe('Observations still within this many tokens of the end are not repeated.'),
    /** Tools whose successful results say where the agent now is; the latest one is listed first. */
    locationTools: z
      .array(z.string().min(1))
      .default(['go_to', 'goto', 'go', 'move', 'move_to', 'navigate', 'walk_to', 'travel'])
      .describe('Tools whose results say where the agent now is.'),
    /** Tools whose results are not worth remembering (e.g. the one that ends the episode). */
    excludeTools: z
      .array(z.string().min(1))
      .default(['finish'])
      .describe('Tools whose results are not remembered.'),
    /** First line of the memory message. */
    header: z
      .string()
      .min(1)
      .default('What you have observed so far (latest first):')
      .describe('First line of the memory message.'),
    /** Prefix of the line that says where the agent is now. */
    locationLabel: z
      .string()
      .min(1)
      .default('Where you are now')
      .describe('Label of the current-location line.'),
  })
  .strict();

/** `state-tracker-memory` options with defaults filled in. */
export type StateTrackerMemoryOptions = z.output<typeof stateTrackerMemoryOptionsSchema>;

/** One remembered observation: the action in plain words and its result text, verbatim. */
export interface ObservationEntry {
  action: string;
  observation: string;
  /** Order of arrival; larger is later. */
  sequence: number;
}

/**
 * Renders the memory message (pure): the current location first, then observations latest first,
 * each verbatim, bounded by `maxEntries` and `maxChars`. `undefined` when there is nothing to say.
 */
export function renderObservationMemory(
  entries: readonly ObservationEntry[],
  location: ObservationEntry | undefined,
  options: Pick<StateTrackerMemoryOptions, 'maxEntries' | 'maxChars' | 'header' | 'locationLabel'>,
): string | undefined {
  if (entries.length === 0 && !location) return undefined;
  const lines = [options.header];
  let length = options.header.length;
  const add = (line: string): boolean => {
    if (length + line.length + 1 > options.maxChars) return false;
    lines.push(line);
    length += line.length + 1;
    return true;
  };
  if (location) add(`- ${options.locationLabel} (after ${location.action}): ${location.observation}`);
  const latestFirst = entries
    .filter((entry) => entry !== location)
    .sort((a, b) => b.sequence - a.sequence)
    .slice(0, options.maxEntries);
  for (const entry of latestFirst) {
    if (!add(`- ${entry.action}: ${entry.observation}`)) break;
  }
  return lines.length > 1 ? lines.join('\n') : undefined;
}

/** Tool-result texts (trimmed) that sit within `tokens` of the end of `messages` (pure). */
export function observationsInView(messages: readonly ChatMessage[], tokens: number): Set<string> {
  const inView = new Set<string>();
  let distance = 0;
  for (let index = messages.length - 1; index >= 0 && distance < tokens; index--) {
    const message = messages[index]!;
    distance += estimateTokens(message.content) + 4;
    if (message.role === 'tool' && distance <= tokens) inView.add(message.content.trim());
  }
  return inView;
}

/** The `state-tracker-memory` processor (see the module comment for the failure it fixes). */
export const stateTrackerMemory = defineProcessor<StateTrackerMemoryOptions>({
  id: 'state-tracker-memory',
  version: 1,
  description:
    'Keeps the latest successful observation per distinct action (and the latest move) and re-states them verbatim at the end of every request.',
  dimension: 'memory',
  order: 'post',
  optionsSchema: stateTrackerMemoryOptionsSchema,
  create(options) {
    const entries = new Map<string, ObservationEntry>();
    let location: ObservationEntry | undefined;
    let sequence = 0;
    // What `observationsInView` would find, kept up to date as the history grows.
    const inView = new ToolResultsInView(options.omitRecentTokens);
    return {
      toolResult(args) {
        if (args.result.isError || options.excludeTools.includes(args.call.name)) return undefined;
        const observation = args.result.content.trim();
        if (observation === '') return undefined;
        const entry = {
          action: describeAction(args.call.name, args.call.arguments),
          observation,
          sequence: sequence++,
        };
        const key = actionKey(args.call.name, args.call.arguments);
        entries.delete(key);
        entries.set(key, entry);
        if (options.locationTools.includes(args.call.name)) location = entry;
        return undefined;
      },
      modelRequest(args): RequestPatch | undefined {
        // Nothing remembered yet: no message, so no need to look at what is in view.
        if (entries.size === 0 && !location) return undefined;
        inView.update(args.messages);
        const remembered: ObservationEntry[] = [];
        for (const entry of entries.values()) if (!inView.has(entry.observation)) remembered.push(entry);
        const where = location && !inView.has(location.observation) ? location : undefined;
        const text = renderObservationMemory(remembered, where, options);
        if (text === undefined) return undefined;
        return { type: 'request', appendUserMessage: text };
      },
    };
  },
});
