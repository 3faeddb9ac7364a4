/**
 * A static scan of generated JavaScript for reaches toward the host: `require`, `process`,
 * `import`, `globalThis`, `eval`, `Function(...)`, `fetch`, timers and the like. The sandbox is the
 * boundary (none of these exist inside it); this scan is evidence: code that reaches for the host is
 * hostile or confused, and the meta-model path and the critic reject it with a precise reason.
 * Comments and string literals are blanked first, so a mention in a comment is not a finding.
 */

/** One reach toward the host found in the source. */
export interface HostAccessFinding {
  /** The identifier or construct, e.g. `process`, `import()`. */
  readonly token: string;
  /** 1-based line of the first occurrence. */
  readonly line: number;
}

const HOST_IDENTIFIERS = [
  'require',
  'process',
  'globalThis',
  'global',
  'window',
  'eval',
  'Function',
  'fetch',
  'XMLHttpRequest',
  'WebSocket',
  'WebAssembly',
  'setTimeout',
  'setInterval',
  'setImmediate',
  'queueMicrotask',
  'Buffer',
  '__dirname',
  '__filename',
  'Deno',
  'Bun',
] as const;

const IDENTIFIER_PATTERN = new RegExp(`(?<![\\w$.])(${HOST_IDENTIFIERS.join('|')})(?![\\w$])`, 'g');
const IMPORT_PATTERN = /(?<![\w$.])import\s*(\(|[\w${*]|['"])/g;
const CONSTRUCTOR_PATTERN = /\.\s*constructor\s*\.\s*constructor\b|\[\s*['"`]constructor['"`]\s*\]/g;

/** Replaces comments and string/template literal contents with spaces, keeping line breaks. */
export function blankCommentsAndStrings(source: string): string {
  let out = '';
  let index = 0;
  const blank = (text: string) => text.replace(/[^\n]/g, ' ');
  while (index < source.length) {
    const char = source[index]!;
    const next = source[index + 1];
    if (char === '/' && next === '/') {
      const end = source.indexOf('\n', index);
      const stop = end === -1 ? source.length : end;
      out += blank(source.slice(index, stop));
      index = stop;
    } else if (char === '/' && next === '*') {
      const end = source.indexOf('*/', index + 2);
      const stop = end === -1 ? source.length : end + 2;
      out += blank(source.slice(index, stop));
      index = stop;
    } else if (char === '`') {
      const stop = scanTemplate(source, index);
      out += blankTemplate(source.slice(index, stop));
      index = stop;
    } else if (char === '"' || char === "'") {
      let stop = index + 1;
      while (stop < source.length && source[stop] !== char && source[stop] !== '\n') {
        stop += source[stop] === '\\' ? 2 : 1;
      }
      stop = Math.min(stop + 1, source.length);
      // `x['constructor']` stays visible as a computed access; every other string is blanked.
      const body = source.slice(index + 1, stop - 1);
      out += body === 'constructor' ? source.slice(index, stop) : blank(source.slice(index, stop));
      index = stop;
    } else {
      out += char;
      index += 1;
    }
  }
  return out;
}

/** The end (exclusive) of the template literal starting at `start`, skipping `${...}` bodies. */
function scanTemplate(source: string, start: number): number {
  let index = start + 1;
  while (index < source.length) {
    const char = source[index];
    if (char === '\\') index += 2;
    else if (char === '`') return index + 1;
    else if (char === '$' && source[index + 1] === '{') index = skipBraces(source, index + 1);
    else index += 1;
  }
  return source.length;
}

function skipBraces(source: string, open: number): number {
  let depth = 0;
  for (let index = open; index < source.length; index += 1) {
    const char = source[index];
    if (char === '`') index = scanTemplate(source, index) - 1;
    else if (char === '{') depth += 1;
    else if (char === '}') {
      depth -= 1;
      if (depth === 0) return index + 1;
    }
  }
  return source.length;
}

/** Blanks a template literal's text but keeps its `${...}` expressions, which are code. */
function blankTemplate(template: string): string {
  let out = '';
  let index = 0;
  while (index < template.length) {
    if (template[index] === '$' && template[index + 1] === '{' && index > 0) {
      const end = skipBraces(template, index + 1);
      out += template.slice(index, end);
      index = end;
    } else {
      const char = template[index]!;
      out += char === '\n' || char === '`' ? char : ' ';
      index += 1;
    }
  }
  return out;
}

/**
 * Finds reaches toward the host in `source`, each token once with its first line.
 * @example
 * scanForHostAccess('const env = globalThis.process.env;') // [{ token: 'globalThis', line: 1 }, { token: 'process', line: 1 }]
 */
export function scanForHostAccess(source: string): HostAccessFinding[] {
  const code = blankCommentsAndStrings(source);
  const found = new Map<string, number>();
  const lineAt = (offset: number) => code.slice(0, offset).split('\n').length;
  const record = (token: string, offset: number) => {
    if (!found.has(token)) found.set(token, lineAt(offset));
  };
  for (const match of code.matchAll(IDENTIFIER_PATTERN)) record(match[1]!, match.index);
  for (const match of code.matchAll(IMPORT_PATTERN)) record('import', match.index);
  for (const match of code.matchAll(CONSTRUCTOR_PATTERN)) record('constructor.constructor', match.index);
  return [...found.entries()]
    .map(([token, line]) => ({ token, line }))
    .sort((a, b) => a.line - b.line || a.token.localeCompare(b.token));
}
