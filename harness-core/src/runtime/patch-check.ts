/**
 * A direct check of the patches processors return most often, ahead of the hook's zod schema
 * (`hookPatchSchemas`). An episode checks only a few patches, so zod's parsers for them stay cold
 * and cost several microseconds each, as much as a turn's bookkeeping. This check accepts only
 * what the schema accepts and returns what the schema's parse would (a fresh object with the
 * schema's keys); anything it is unsure of (arrays of tools or tool calls, history patches,
 * `undefined` values, objects that are not plain) returns `undefined`, and the schema decides and
 * words the error.
 */
import type { HookName } from '../harness/hooks.ts';

type Fields = Record<string, unknown>;

/** The hooks whose patch may stop the episode (`taskStart` may not; the end hooks are read-only). */
const INTERRUPTIBLE: ReadonlySet<HookName> = new Set<HookName>([
  'turnStart',
  'modelRequest',
  'modelResponse',
  'toolCall',
  'toolResult',
]);

const INTERRUPT_KEYS: ReadonlySet<string> = new Set(['type', 'reason']);
const TASK_START_KEYS: ReadonlySet<string> = new Set(['type', 'systemPrompt']);
const REQUEST_KEYS: ReadonlySet<string> = new Set(['type', 'lastUserContent', 'appendUserMessage', 'route']);
const RESPONSE_KEYS: ReadonlySet<string> = new Set(['type', 'text']);
const REWRITE_KEYS: ReadonlySet<string> = new Set(['type', 'action', 'arguments']);
const INTERCEPT_KEYS: ReadonlySet<string> = new Set(['type', 'action', 'result', 'isError']);
const TOOL_RESULT_KEYS: ReadonlySet<string> = new Set(['type', 'content', 'isError']);

/** True when every key `for...in` finds (as zod's strict objects look) is in `allowed`. */
function onlyKeys(patch: Fields, allowed: ReadonlySet<string>): boolean {
  for (const key in patch) if (!allowed.has(key)) return false;
  return true;
}

/** The patch as the hook's schema would parse it, or `undefined` to let the schema decide. */
export function quickParsePatch(hook: HookName, patch: unknown): object | undefined {
  if (typeof patch !== 'object' || patch === null || Object.getPrototypeOf(patch) !== Object.prototype) {
    return undefined;
  }
  const fields = patch as Fields;
  const type = fields.type;
  if (type === 'interrupt') return INTERRUPTIBLE.has(hook) ? interrupt(fields) : undefined;
  switch (hook) {
    case 'taskStart':
      return type === 'task-start' ? taskStart(fields) : undefined;
    case 'modelRequest':
      return type === 'request' ? request(fields) : undefined;
    case 'modelResponse':
      return type === 'response' ? response(fields) : undefined;
    case 'toolCall':
      return type === 'tool-call' ? toolCall(fields) : undefined;
    case 'toolResult':
      return type === 'tool-result' ? toolResult(fields) : undefined;
    default:
      return undefined;
  }
}

function interrupt(fields: Fields): object | undefined {
  const reason = fields.reason;
  if (!onlyKeys(fields, INTERRUPT_KEYS) || typeof reason !== 'string' || reason.length === 0)
    return undefined;
  return { type: 'interrupt', reason };
}

/** Only the system prompt: a tool list is left to the schema. */
function taskStart(fields: Fields): object | undefined {
  if (!onlyKeys(fields, TASK_START_KEYS)) return undefined;
  if (!('systemPrompt' in fields)) return { type: 'task-start' };
  const systemPrompt = fields.systemPrompt;
  return typeof systemPrompt === 'string' ? { type: 'task-start', systemPrompt } : undefined;
}

function request(fields: Fields): object | undefined {
  if (!onlyKeys(fields, REQUEST_KEYS)) return undefined;
  const parsed: Fields = { type: 'request' };
  if ('lastUserContent' in fields) {
    const value = fields.lastUserContent;
    if (typeof value !== 'string') return undefined;
    parsed.lastUserContent = value;
  }
  if ('appendUserMessage' in fields) {
    const value = fields.appendUserMessage;
    if (typeof value !== 'string') return undefined;
    parsed.appendUserMessage = value;
  }
  if ('route' in fields) {
    const value = fields.route;
    if (value !== 'primary' && value !== 'fallback') return undefined;
    parsed.route = value;
  }
  return parsed;
}

/** Only the text: replacement tool calls are left to the schema. */
function response(fields: Fields): object | undefined {
  if (!onlyKeys(fields, RESPONSE_KEYS)) return undefined;
  if (!('text' in fields)) return { type: 'response' };
  const text = fields.text;
  return typeof text === 'string' ? { type: 'response', text } : undefined;
}

function toolCall(fields: Fields): object | undefined {
  const action = fields.action;
  if (action === 'rewrite') {
    const text = fields.arguments;
    if (!onlyKeys(fields, REWRITE_KEYS) || typeof text !== 'string') return undefined;
    return { type: 'tool-call', action, arguments: text };
  }
  if (action === 'intercept') {
    const result = fields.result;
    const isError = fields.isError;
    if (!onlyKeys(fields, INTERCEPT_KEYS) || typeof result !== 'string' || typeof isError !== 'boolean') {
      return undefined;
    }
    return { type: 'tool-call', action, result, isError };
  }
  return undefined;
}

function toolResult(fields: Fields): object | undefined {
  const content = fields.content;
  if (!onlyKeys(fields, TOOL_RESULT_KEYS) || typeof content !== 'string') return undefined;
  if (!('isError' in fields)) return { type: 'tool-result', content };
  const isError = fields.isError;
  return typeof isError === 'boolean' ? { type: 'tool-result', content, isError } : undefined;
}
