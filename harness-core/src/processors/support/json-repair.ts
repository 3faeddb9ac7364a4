/**
 * Pure repair of the malformed JSON that small models write as tool arguments: code fences,
 * prose around the object, single quotes, unquoted keys and bare-word values, Python literals,
 * trailing commas, unterminated strings, missing closing braces and JSON encoded twice.
 */

/** A repaired value with the repairs made, or the parse error of the text that could not be repaired. */
export type JsonRepairResult =
  | { ok: true; value: unknown; repairs: string[] }
  | { ok: false; error: string; repairs: string[] };

const MAX_UNWRAP_DEPTH = 3;

/**
 * Parses `text` as JSON, repairing common mistakes; `repairs` names each repair made, empty when
 * the text was valid JSON already. Never throws.
 * @example repairJson("{object: 'apple',}") // { ok: true, value: { object: 'apple' }, repairs: [...] }
 */
export function repairJson(text: string): JsonRepairResult {
  return repairAtDepth(text, 0);
}

function repairAtDepth(text: string, depth: number): JsonRepairResult {
  const repairs: string[] = [];
  let source = text.trim();
  if (source === '') return { ok: true, value: {}, repairs: ['read empty arguments as {}'] };

  const fenced = /^```[\w-]*[ \t]*\r?\n?([\s\S]*?)\r?\n?```$/.exec(source);
  if (fenced) {
    source = (fenced[1] ?? '').trim();
    repairs.push('removed a code fence');
  }

  const direct = tryParse(source);
  if (direct.ok) return unwrapStringValue(direct.value, repairs, depth);

  const start = source.search(/[{[]/);
  if (start > 0) {
    source = source.slice(start);
    repairs.push('removed text before the JSON');
  }
  if (start >= 0) {
    const trimmedTail = dropTextAfterBalancedEnd(source);
    if (trimmedTail !== source) {
      source = trimmedTail;
      repairs.push('removed text after the JSON');
    }
  }

  const normalised = normaliseJsonLike(source);
  const parsed = tryParse(normalised.text);
  if (parsed.ok) return unwrapStringValue(parsed.value, [...repairs, ...normalised.repairs], depth);
  return { ok: false, error: direct.error, repairs };
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/** A JSON string whose content is itself a JSON object or array was encoded twice. */
function unwrapStringValue(value: unknown, repairs: string[], depth: number): JsonRepairResult {
  if (typeof value === 'string' && depth < MAX_UNWRAP_DEPTH && /^\s*[{[]/.test(value)) {
    const inner = repairAtDepth(value, depth + 1);
    if (inner.ok)
      return {
        ok: true,
        value: inner.value,
        repairs: [...repairs, 'decoded a JSON string inside a string', ...inner.repairs],
      };
  }
  return { ok: true, value, repairs };
}

/** Cuts what follows the first balanced `{...}` / `[...]` (quotes respected); unbalanced text is kept. */
function dropTextAfterBalancedEnd(text: string): string {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return text.slice(0, i + 1);
    }
  }
  return text;
}

const LITERALS: Record<string, string> = {
  true: 'true',
  false: 'false',
  null: 'null',
  True: 'true',
  False: 'false',
  None: 'null',
};

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

interface Normalised {
  text: string;
  repairs: string[];
}

/**
 * Rewrites JSON-like text into JSON with a single left-to-right scan that tracks the open
 * brackets: a scan, unlike regex rewrites, never touches quote or comma characters inside strings.
 */
export function normaliseJsonLike(source: string): Normalised {
  const repairs = new Set<string>();
  const stack: string[] = [];
  let out = '';
  let i = 0;

  const lastSignificant = (): string => out.trimEnd().at(-1) ?? '';
  const inKeyPosition = (): boolean => stack.at(-1) === '{' && ['{', ','].includes(lastSignificant());
  const inValuePosition = (): boolean =>
    lastSignificant() === ':' || (stack.at(-1) === '[' && ['[', ','].includes(lastSignificant()));
  const stripTrailingComma = (): void => {
    const trimmed = out.trimEnd();
    if (trimmed.endsWith(',')) {
      out = trimmed.slice(0, -1);
      repairs.add('removed a trailing comma');
    }
  };

  while (i < source.length) {
    const c = source[i]!;
    if (c === '"' || c === "'") {
      const read = readQuoted(source, i, c);
      out += `"${read.content}"`;
      if (c === "'") repairs.add('replaced single quotes with double quotes');
      if (!read.closed) repairs.add('closed an unterminated string');
      i = read.end;
      continue;
    }
    if (c === '{' || c === '[') {
      stack.push(c);
      out += c;
      i++;
      continue;
    }
    if (c === '}' || c === ']') {
      stripTrailingComma();
      if (stack.length > 0) out += stack.pop() === '{' ? '}' : ']';
      i++;
      continue;
    }
    if (inKeyPosition() && !/[\s,]/.test(c)) {
      const colon = source.indexOf(':', i);
      const stop = colon === -1 ? source.length : colon;
      out += JSON.stringify(source.slice(i, stop).trim());
      repairs.add('quoted unquoted keys');
      i = stop;
      continue;
    }
    if (inValuePosition() && /[^\s,:]/.test(c)) {
      let end = i;
      while (end < source.length && !/[,}\]\n]/.test(source[end]!)) end++;
      const word = source.slice(i, end).trim();
      const literal = LITERALS[word];
      if (literal !== undefined) {
        out += literal;
        if (literal !== word) repairs.add('converted Python literals');
      } else if (NUMBER.test(word)) out += word;
      else {
        out += JSON.stringify(word);
        repairs.add('quoted bare-word values');
      }
      i = end;
      continue;
    }
    out += c;
    i++;
  }

  if (stack.length > 0) {
    if (lastSignificant() === ':') out += 'null';
    stripTrailingComma();
    while (stack.length > 0) out += stack.pop() === '{' ? '}' : ']';
    repairs.add('closed missing brackets');
  }
  return { text: out, repairs: [...repairs] };
}

/** Reads a string opened by `quote` at `start`; returns its JSON-escaped content. */
function readQuoted(
  source: string,
  start: number,
  quote: string,
): { content: string; end: number; closed: boolean } {
  let content = '';
  let j = start + 1;
  while (j < source.length) {
    const ch = source[j]!;
    if (ch === '\\') {
      const next = source[j + 1];
      if (next === undefined) {
        j++;
        break;
      }
      content += quote === "'" && next === "'" ? "'" : ch + next;
      j += 2;
      continue;
    }
    if (ch === quote) return { content, end: j + 1, closed: true };
    if (ch === '"') content += '\\"';
    else if (ch === '\n') content += '\\n';
    else if (ch === '\r') content += '\\r';
    else if (ch === '\t') content += '\\t';
    else content += ch;
    j++;
  }
  return { content, end: j, closed: false };
}
