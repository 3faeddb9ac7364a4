/**
 * The 400-line budget (DESIGN §2, §12): a source file over the budget fails unless it is listed in
 * scripts/line-budget-allowlist.json, and that list may only shrink. An entry is a ratchet: it must
 * state the file's current length, so a file that grows fails and a file that shrinks must lower
 * (or, under the budget, drop) its entry in the same change.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const LINE_BUDGET = 400;
export const ALLOWLIST_PATH = 'scripts/line-budget-allowlist.json';

/** Lines as an editor numbers them: a trailing newline does not start another line. */
export function countLines(text) {
  if (text === '') return 0;
  const lines = text.split('\n').length;
  return text.endsWith('\n') ? lines - 1 : lines;
}

/**
 * Reads and validates the allowlist. A missing file is an empty list; a malformed one is a violation.
 * @param {string} root
 * @returns {{ entries: Map<string, number>, violations: import('../check-architecture.mjs').Violation[],
 *   lineOf: (file: string) => number }}
 */
export function readAllowlist(root) {
  const entries = new Map();
  const violations = [];
  const full = path.join(root, ALLOWLIST_PATH);
  if (!existsSync(full)) return { entries, violations, lineOf: () => 1 };
  const text = readFileSync(full, 'utf8');
  const lineOf = (file) => {
    const offset = text.indexOf(JSON.stringify(file));
    return offset === -1 ? 1 : countLines(text.slice(0, offset + 1));
  };
  const fail = (message, line = 1) => {
    violations.push({ file: ALLOWLIST_PATH, line, rule: 'line-budget-allowlist', message });
    return { entries, violations, lineOf };
  };
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return fail(`not valid JSON (${error.message}); expected { "files": { "<path>": <maxLines> } }`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return fail('expected an object { "files": { "<path>": <maxLines> } }');
  }
  const unknownKeys = Object.keys(parsed).filter((key) => key !== 'files' && key !== '$comment');
  if (unknownKeys.length > 0) return fail(`unknown keys ${unknownKeys.join(', ')}; expected only "files"`);
  const files = parsed.files ?? {};
  if (files === null || typeof files !== 'object' || Array.isArray(files)) {
    return fail('"files" must be an object mapping a path to its allowed line count');
  }
  for (const [file, maxLines] of Object.entries(files)) {
    if (!Number.isInteger(maxLines) || maxLines <= 0) {
      fail(
        `files["${file}"] must be a positive integer line count, got ${JSON.stringify(maxLines)}`,
        lineOf(file),
      );
    } else entries.set(file, maxLines);
  }
  return { entries, violations, lineOf };
}

/**
 * @param {string} root
 * @param {string[]} files posix paths relative to root, tests and fixtures already removed
 * @returns {import('../check-architecture.mjs').Violation[]}
 */
export function checkLineBudget(root, files) {
  const { entries, violations, lineOf } = readAllowlist(root);
  const lengths = new Map(
    files.map((file) => [file, countLines(readFileSync(path.join(root, file), 'utf8'))]),
  );
  for (const [file, lines] of lengths) {
    if (lines <= LINE_BUDGET) continue;
    const allowed = entries.get(file);
    if (allowed === undefined) {
      violations.push({
        file,
        line: LINE_BUDGET + 1,
        rule: 'line-budget',
        message: `${lines} lines, over the ${LINE_BUDGET}-line budget: split it into smaller modules`,
      });
    } else if (lines > allowed) {
      violations.push({
        file,
        line: allowed + 1,
        rule: 'line-budget',
        message: `${lines} lines, over its allowlisted ${allowed}: the allowlist may only shrink, split the file`,
      });
    }
  }
  for (const [file, allowed] of entries) {
    const lines = lengths.get(file);
    if (lines === undefined) {
      const reason = existsSync(path.join(root, file)) ? 'is not a checked source file' : 'no longer exists';
      violations.push({
        file: ALLOWLIST_PATH,
        line: lineOf(file),
        rule: 'line-budget-allowlist',
        message: `${file} ${reason}: remove it from the allowlist`,
      });
    } else if (lines <= LINE_BUDGET) {
      violations.push({
        file: ALLOWLIST_PATH,
        line: lineOf(file),
        rule: 'line-budget-allowlist',
        message: `${file} is now ${lines} lines, within the budget: remove it from the allowlist`,
      });
    } else if (lines < allowed) {
      violations.push({
        file: ALLOWLIST_PATH,
        line: lineOf(file),
        rule: 'line-budget-allowlist',
        message: `${file} shrank to ${lines} lines: lower its entry from ${allowed} to ${lines}`,
      });
    }
  }
  return violations;
}
