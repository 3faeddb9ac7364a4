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
  const text = rememberedText(name, argumentsText);
  if (text.key === undefined) text.key = `${name} ${canonicalArguments(argumentsText)}`;
  return text.key;
}

/**
 * The action in plain words, e.g. `take with object "apple" and source "table"`.
 * @example describeAction('go_to', '{"target":"kitchen"}') // 'go_to with target "kitchen"'
 */
export function describeAction(name: string, argumentsText: string): string {
  const text = rememberedText(name, argumentsText);
  if (text.description === undefined) text.description = `${name}${describeArguments(argumentsText)}`;
  return text.description;
}

/**
 * Several processors key and describe the same call on the same turn (loop-guard, state memory,
 * the turn observer), and agents repeat the same few actions. Both texts are pure in the call,
 * so each is made once per distinct call, when first asked for, and remembered; handing out the
 * same string objects also lets the processors' maps and sets reuse their hashes. The bounds
 * keep memory flat.
 */
interface ActionText {
  key?: string;
  description?: string;
}

const MEMO_LIMIT = 512;
const MEMO_MAX_ARGUMENT_CHARS = 1000;
/** By tool name, then by argument text. */
const actionTexts = new Map<string, Map<string, ActionText>>();
let rememberedTexts = 0;

function rememberedText(name: string, argumentsText: string): ActionText {
  let byArguments = actionTexts.get(name);
  const remembered = byArguments?.get(argumentsText);
  if (remembered !== undefined) return remembered;
  const text: ActionText = {};
  if (argumentsText.length > MEMO_MAX_ARGUMENT_CHARS) return text;
  if (rememberedTexts >= MEMO_LIMIT) {
    actionTexts.clear();
    rememberedTexts = 0;
    byArguments = undefined;
  }
  if (byArguments === undefined) {
    byArguments = new Map();
    actionTexts.set(name, byArguments);
  }
  byArguments.set(argumentsText, text);
  rememberedTexts += 1;
  return text;
}

const MAX_VALUE_CHARS = 80;

function formatValue(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : canonicalJson(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}...` : text;
}

/** What follows the tool name in `describeAction`: ` with ...`, or nothing for no arguments. */
function describeArguments(argumentsText: string): string {
  let parsed: unknown;
  try {
    parsed = argumentsText.trim() === '' ? {} : JSON.parse(argumentsText);
  } catch {
    return ` with arguments ${formatValue(argumentsText.trim())}`;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return ` with ${formatValue(parsed)}`;
  }
  const parts = Object.keys(parsed)
    .sort()
    .map((key) => `${key} ${formatValue((parsed as Record<string, unknown>)[key])}`);
  if (parts.length === 0) return '';
  if (parts.length === 1) return ` with ${parts[0]}`;
  return ` with ${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/**
 * Replaces `{name}` placeholders (`name` of ASCII letters) in a message template; unknown
 * placeholders stay as written. What `template.replace(/\{([a-zA-Z]+)\}/g, ...)` does, in one
 * scan: a replace with a callback costs a call into the runtime per placeholder, and templates
 * are filled on every episode.
 */
export function fillTemplate(template: string, values: Record<string, string | number>): string {
  let out = '';
  let copied = 0;
  let open = template.indexOf('{');
  while (open !== -1) {
    let end = open + 1;
    while (end < template.length && isAsciiLetter(template.charCodeAt(end))) end++;
    if (end > open + 1 && template.charCodeAt(end) === CLOSE_BRACE) {
      const key = template.slice(open + 1, end);
      if (Object.hasOwn(values, key)) {
        out += template.slice(copied, open) + String(values[key]);
        copied = end + 1;
      }
      open = template.indexOf('{', end + 1);
    } else open = template.indexOf('{', open + 1);
  }
  return copied === 0 ? template : out + template.slice(copied);
}

const CLOSE_BRACE = 0x7d;

function isAsciiLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}
