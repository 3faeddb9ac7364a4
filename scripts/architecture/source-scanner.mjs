/**
 * Finds the import edges of a TypeScript/JavaScript source file without a parser dependency.
 *
 * Comments, string contents, template literals and regular-expression literals are masked first
 * (replaced by spaces of the same length, newlines kept), so that code quoted inside a string or a
 * template (a test fixture, a generated processor) never counts as an import, and offsets still map
 * to the original text for line numbers and specifiers.
 */

const IDENTIFIER_CHAR = /[A-Za-z0-9_$]/;
const REGEX_AFTER_CHAR = new Set(['', '(', ',', '=', ':', '[', '!', '&', '|', '?', '{', '}', ';', '+', '-']);
for (const char of '*%<>~^') REGEX_AFTER_CHAR.add(char);
const REGEX_AFTER_WORD = new Set([
  'return',
  'typeof',
  'case',
  'do',
  'else',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'instanceof',
  'yield',
  'await',
]);

/**
 * Masks everything that is not code. Returns the masked text and the string literals found in code,
 * keyed by the offset of their opening quote.
 * @param {string} text
 * @returns {{ masked: string, strings: Map<number, string> }}
 */
export function maskSource(text) {
  const out = text.split('');
  /** @type {Map<number, string>} */
  const strings = new Map();
  const blank = (from, to) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  // Each entry is the brace depth at which a `${` substitution returns to its template.
  const templateStack = [];
  let braceDepth = 0;
  let lastChar = '';
  let lastWord = '';
  let i = 0;
  const n = text.length;

  const scanTemplate = (start) => {
    // start is just after the opening backtick or the closing brace of a substitution.
    let k = start;
    while (k < n) {
      const c = text[k];
      if (c === '\\') k += 2;
      else if (c === '`') {
        blank(start, k);
        return { end: k + 1, substitution: false };
      } else if (c === '$' && text[k + 1] === '{') {
        blank(start, k);
        return { end: k + 2, substitution: true };
      } else k += 1;
    }
    blank(start, n);
    return { end: n, substitution: false };
  };

  while (i < n) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? n : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? n : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === "'" || c === '"') {
      let k = i + 1;
      while (k < n && text[k] !== c && text[k] !== '\n') k += text[k] === '\\' ? 2 : 1;
      const end = Math.min(k, n);
      strings.set(i, text.slice(i + 1, end));
      blank(i + 1, end);
      i = end + 1;
      lastChar = c;
      lastWord = '';
    } else if (c === '`') {
      const result = scanTemplate(i + 1);
      if (result.substitution) {
        templateStack.push(braceDepth);
        braceDepth += 1;
        lastChar = '{';
      } else lastChar = '`';
      lastWord = '';
      i = result.end;
    } else if (c === '/' && (REGEX_AFTER_CHAR.has(lastChar) || REGEX_AFTER_WORD.has(lastWord))) {
      let k = i + 1;
      let inClass = false;
      while (k < n && text[k] !== '\n') {
        const r = text[k];
        if (r === '\\') k += 2;
        else {
          if (r === '[') inClass = true;
          else if (r === ']') inClass = false;
          else if (r === '/' && !inClass) break;
          k += 1;
        }
      }
      blank(i + 1, Math.min(k, n));
      i = k + 1;
      lastChar = '/';
      lastWord = '';
    } else if (c === '{') {
      braceDepth += 1;
      lastChar = c;
      lastWord = '';
      i += 1;
    } else if (c === '}') {
      braceDepth -= 1;
      if (templateStack.length > 0 && templateStack[templateStack.length - 1] === braceDepth) {
        templateStack.pop();
        const result = scanTemplate(i + 1);
        if (result.substitution) {
          templateStack.push(braceDepth);
          braceDepth += 1;
        }
        i = result.end;
        lastChar = '`';
      } else {
        lastChar = c;
        i += 1;
      }
      lastWord = '';
    } else if (IDENTIFIER_CHAR.test(c)) {
      let k = i;
      while (k < n && IDENTIFIER_CHAR.test(text[k])) k += 1;
      lastWord = text.slice(i, k);
      lastChar = text[k - 1];
      i = k;
    } else {
      if (!/\s/.test(c)) {
        lastChar = c;
        lastWord = '';
      }
      i += 1;
    }
  }
  return { masked: out.join(''), strings };
}

/**
 * @typedef {object} ImportEdge
 * @property {string} specifier what the statement imports, as written
 * @property {number} line 1-based line of the `import`/`export` keyword
 * @property {boolean} typeOnly erased at runtime (`import type`, `export type`, `typeof import()`)
 * @property {boolean} allSpecifiersTyped every named specifier carries `type` but the statement does
 *   not, so under verbatimModuleSyntax the module is still loaded for its side effects
 * @property {'import' | 'export' | 'side-effect' | 'dynamic'} kind
 */

/**
 * Lists the import edges of one source file.
 * @param {string} text
 * @returns {ImportEdge[]}
 */
export function findImports(text) {
  const { masked, strings } = maskSource(text);
  const lineStarts = [0];
  for (let k = 0; k < text.length; k++) if (text[k] === '\n') lineStarts.push(k + 1);
  const lineOf = (offset) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lineStarts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };
  /** @type {ImportEdge[]} */
  const edges = [];
  const keyword = /(?<![A-Za-z0-9_$.])(import|export)(?![A-Za-z0-9_$])/g;
  for (const match of masked.matchAll(keyword)) {
    const start = match.index;
    const after = start + match[0].length;
    const edge =
      match[0] === 'import' ? readImport(masked, strings, start, after) : readExport(masked, strings, after);
    if (edge) edges.push({ ...edge, line: lineOf(start) });
  }
  return edges;
}

/** Finds the string literal that starts at the first non-space offset at or after `from`. */
function stringAt(masked, strings, from) {
  const match = /^\s*(['"])/.exec(masked.slice(from, from + 200));
  if (!match) return undefined;
  const quoteOffset = from + match[0].length - 1;
  const value = strings.get(quoteOffset);
  if (value === undefined) return undefined;
  return { value, end: quoteOffset + value.length + 2 };
}

/** Finds `from '<specifier>'` that ends the statement starting at `from`, before any `;`. */
function fromClause(masked, strings, from) {
  const rest = masked.slice(from);
  const semicolon = rest.indexOf(';');
  const scope = semicolon === -1 ? rest : rest.slice(0, semicolon);
  const match = /(?<![A-Za-z0-9_$])from\s*(['"])/.exec(scope);
  if (!match) return undefined;
  const literal = stringAt(masked, strings, from + match.index + 4);
  if (!literal) return undefined;
  return { clause: scope.slice(0, match.index), specifier: literal.value };
}

function readImport(masked, strings, start, after) {
  const rest = masked.slice(after, after + 400);
  if (/^\s*\.\s*meta\b/.test(rest)) return undefined;
  if (/^\s*\(/.test(rest)) return readDynamicImport(masked, strings, start, after);
  const sideEffect = stringAt(masked, strings, after);
  if (sideEffect) {
    return { specifier: sideEffect.value, typeOnly: false, allSpecifiersTyped: false, kind: 'side-effect' };
  }
  const found = fromClause(masked, strings, after);
  if (!found) return undefined;
  const clause = found.clause.trim();
  // `import type from 'x'` and `import type, { a } from 'x'` import a default binding named "type".
  const typeOnly = /^type\s+(?!from\b)[^,]/.test(clause) || /^type\s*\{/.test(clause);
  return {
    specifier: found.specifier,
    typeOnly,
    allSpecifiersTyped: !typeOnly && everySpecifierTyped(clause),
    kind: 'import',
  };
}

function readDynamicImport(masked, strings, start, after) {
  const open = masked.indexOf('(', after);
  const literal = stringAt(masked, strings, open + 1);
  // A computed specifier cannot be resolved statically; the layer rules cannot judge it.
  if (!literal) return undefined;
  const close = /^\s*\)/.exec(masked.slice(literal.end, literal.end + 50));
  if (!close) return undefined;
  const before = masked.slice(Math.max(0, start - 40), start);
  const afterCall = masked.slice(literal.end + close[0].length, literal.end + close[0].length + 40);
  const typeofBefore = /(?<![A-Za-z0-9_$])typeof\s*$/.test(before);
  // `import('./x.ts').Name` in a type position is erased; `.then(...)` on a dynamic import is not.
  const typePosition =
    /^\s*\.\s*[A-Za-z_$]/.test(afterCall) &&
    !/^\s*\.\s*(then|catch|finally)\b/.test(afterCall) &&
    !/(?<![A-Za-z0-9_$])await\s*$/.test(before);
  return {
    specifier: literal.value,
    typeOnly: typeofBefore || typePosition,
    allSpecifiersTyped: false,
    kind: 'dynamic',
  };
}

function readExport(masked, strings, after) {
  const head = /^\s+(type\s+)?(\*|\{)/.exec(masked.slice(after, after + 200));
  if (!head) return undefined;
  const found = fromClause(masked, strings, after);
  if (!found) return undefined;
  const clause = found.clause.trim();
  // `export { a }` without `from` exports local bindings; fromClause stops at the first `;`.
  const typeOnly = head[1] !== undefined;
  return {
    specifier: found.specifier,
    typeOnly,
    allSpecifiersTyped: !typeOnly && everySpecifierTyped(clause),
    kind: 'export',
  };
}

/** True for `{ type A, type B as C }` (and no default or namespace binding beside it). */
function everySpecifierTyped(clause) {
  const braces = /^\{([\s\S]*)\}$/.exec(clause.trim());
  if (!braces) return false;
  const names = braces[1]
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  return names.length > 0 && names.every((name) => /^type\s/.test(name));
}
