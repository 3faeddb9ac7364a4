/**
 * `context.extends` / `tokens.extends` (spec §5): a call may store only what it adds to an
 * earlier call's full request plus that call's response. The builder finds such a call by
 * comparing the recorded full requests, never by assuming the harness only appends: evolved
 * harnesses rewrite, compact and reorder their contexts.
 */
import type { XgrpoMessage, XgrpoResponse, XgrpoTrajectory } from './group-record-schema.ts';

export interface Delta<T> {
  /** Index of the earlier call this one extends, or null for a full request. */
  extendsIndex: number | null;
  /** The full request when `extendsIndex` is null, else the part after the prefix. */
  items: T[];
}

/**
 * For each sequence, the earlier sequence whose `full + appended` is the longest prefix of it
 * (ties: the latest). `key` maps an item to a string that is equal exactly when the items are.
 */
function prefixDeltas<T>(
  full: readonly (readonly T[])[],
  appended: readonly (readonly T[])[],
  key: (item: T) => string,
): Delta<T>[] {
  const keyed = full.map((items) => items.map(key));
  const appendedKeys = appended.map((items) => items.map(key));
  return full.map((items, index) => {
    let best: { at: number; length: number } | undefined;
    for (let earlier = 0; earlier < index; earlier++) {
      const prefix = [...(keyed[earlier] as string[]), ...(appendedKeys[earlier] as string[])];
      const own = keyed[index] as string[];
      if (prefix.length > own.length || !prefix.every((k, i) => own[i] === k)) continue;
      if (best === undefined || prefix.length >= best.length) best = { at: earlier, length: prefix.length };
    }
    return best === undefined
      ? { extendsIndex: null, items: [...items] }
      : { extendsIndex: best.at, items: items.slice(best.length) };
  });
}

/** Deltas of chat requests; the appended part of a call is its response message. */
export function messageDeltas(
  requests: readonly (readonly XgrpoMessage[])[],
  responses: readonly XgrpoResponse[],
): Delta<XgrpoMessage>[] {
  return prefixDeltas(
    requests,
    responses.map((response) => [response as XgrpoMessage]),
    (message) => JSON.stringify(message),
  );
}

/** Deltas of prompt token ids; the appended part of a call is its completion ids. */
export function tokenDeltas(
  prompts: readonly (readonly number[])[],
  completions: readonly (readonly number[])[],
): Delta<number>[] {
  return prefixDeltas(prompts, completions, String);
}

/** Full request messages of every call, expanded from the `context.extends` chain. */
export function expandContexts(trajectory: XgrpoTrajectory): Map<string, XgrpoMessage[]> {
  const full = new Map<string, XgrpoMessage[]>();
  const responses = new Map<string, XgrpoResponse>();
  for (const call of trajectory.calls) {
    const base = call.context.extends;
    const prefix =
      base === null ? [] : [...(full.get(base) ?? []), responses.get(base) as XgrpoMessage].filter(Boolean);
    full.set(call.call_id, [...prefix, ...call.context.messages]);
    responses.set(call.call_id, call.response);
  }
  return full;
}

/** Full prompt ids of every call that has tokens, expanded from the `tokens.extends` chain. */
export function expandPromptIds(trajectory: XgrpoTrajectory): Map<string, number[]> {
  const full = new Map<string, number[]>();
  const completions = new Map<string, number[]>();
  for (const call of trajectory.calls) {
    if (!call.tokens) continue;
    const base = call.tokens.extends;
    const prefix = base === null ? [] : [...(full.get(base) ?? []), ...(completions.get(base) ?? [])];
    full.set(call.call_id, [...prefix, ...call.tokens.prompt_ids]);
    completions.set(call.call_id, call.tokens.completion_ids);
  }
  return full;
}
