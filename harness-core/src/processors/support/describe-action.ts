/**
 * Shared pure helpers that turn a tool call into a stable key (to count repeats) and into plain
 * words (for nudges and reflections the model reads). A model reacts to the action and its
 * arguments, so the words carry both and nothing else.
 */
import { canonicalJson } from '../../harness/canonical.ts';

/** Sorted-key JSON of the arguments, or the trimmed raw text when they are not valid JSON. */
export function canonicalArguments(argumentsText: string): string {
  const trimmed = argumentsText.trim();
  if (trimmed === '') return '{}';
  try {
    return canonicalJson(JSON.parse(trimmed));
  } catch {
    return trimmed;
  }
}

/** One key per distinct action: the tool name and its canonical arguments. */
export function actionKey(name: string, argumentsText: string): string {
  return `${name} ${canonicalArguments(argumentsText)}`;
}

const MAX_VALUE_CHARS = 80;

function formatValue(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : canonicalJson(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}...` : text;
}

/**
 * The action in plain words, e.g. `take with object "apple" and source "table"`.
 * @example describeAction('go_to', '{"target":"kitchen"}') // 'go_to with target "kitchen"'
 */
export function describeAction(name: string, argumentsText: string): string {
  let parsed: unknown;
  try {
    parsed = argumentsText.trim() === '' ? {} : JSON.parse(argumentsText);
  } catch {
    return `${name} with arguments ${formatValue(argumentsText.trim())}`;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return `${name} with ${formatValue(parsed)}`;
  }
  const parts = Object.keys(parsed)
    .sort()
    .map((key) => `${key} ${formatValue((parsed as Record<string, unknown>)[key])}`);
  if (parts.length === 0) return name;
  if (parts.length === 1) return `${name} with ${parts[0]}`;
  return `${name} with ${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/** Replaces `{name}` placeholders in a message template; unknown placeholders stay as written. */
export function fillTemplate(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{([a-zA-Z]+)\}/g, (whole, key: string) =>
    Object.hasOwn(values, key) ? String(values[key]) : whole,
  );
}
