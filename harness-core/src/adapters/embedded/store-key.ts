/**
 * Store key rules shared by every `ArtifactStore` adapter (DESIGN §8): the same key must be valid, or
 * invalid, on the filesystem and in S3, so a layout that works locally can never break when deployed.
 */
import { InputError, type InputIssue } from '../../errors.ts';
import { DELETABLE_PREFIXES } from '../../ports/artifact-store.ts';

/** S3's limit, in UTF-8 bytes; the filesystem adapter inherits it so both accept the same keys. */
export const MAX_STORE_KEY_BYTES = 1024;

const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
/** A key quoted in an error message is cut here, so a huge key cannot flood a log. */
const QUOTE_LIMIT = 120;

/** The key as an error message shows it: JSON-quoted, shortened when long. */
export function quoteStoreKey(key: string): string {
  const shown = key.length > QUOTE_LIMIT ? `${key.slice(0, QUOTE_LIMIT)}…` : key;
  return JSON.stringify(shown);
}

function checkCharacters(value: string, field: string, issues: InputIssue[]): void {
  const quoted = quoteStoreKey(value);
  if (Buffer.byteLength(value, 'utf8') > MAX_STORE_KEY_BYTES) {
    issues.push({ path: field, message: `${quoted} is longer than ${MAX_STORE_KEY_BYTES} UTF-8 bytes` });
  }
  if (value.startsWith('/'))
    issues.push({ path: field, message: `${quoted} is absolute; keys are relative` });
  if (value.includes('\\')) {
    issues.push({ path: field, message: `${quoted} contains a backslash; segments are separated by "/"` });
  }
  if (CONTROL_CHARACTER.test(value))
    issues.push({ path: field, message: `${quoted} contains a control character` });
}

function checkSegments(
  segments: readonly string[],
  quoted: string,
  field: string,
  issues: InputIssue[],
): void {
  if (segments.some((segment) => segment === '')) {
    issues.push({
      path: field,
      message: `${quoted} has an empty segment (leading, trailing or doubled "/")`,
    });
  }
  if (segments.some((segment) => segment === '..' || segment === '.')) {
    issues.push({ path: field, message: `${quoted} has a "." or ".." segment` });
  }
}

/** The problems with `key` as a store key; empty when it is valid. */
export function findStoreKeyIssues(key: unknown): InputIssue[] {
  if (typeof key !== 'string') return [{ path: 'key', message: `expected a string, got ${typeof key}` }];
  if (key === '') return [{ path: 'key', message: 'the key is empty' }];
  const issues: InputIssue[] = [];
  checkCharacters(key, 'key', issues);
  if (!key.startsWith('/')) checkSegments(key.split('/'), quoteStoreKey(key), 'key', issues);
  return issues;
}

/**
 * The problems with `prefix` as a `list` prefix; empty when valid. `''` lists everything and a
 * prefix may end inside a segment (`cycles/c` matches `cycles/c1/…`), so only its complete
 * segments (those before the last `/`) follow the key rules.
 */
export function findStorePrefixIssues(prefix: unknown): InputIssue[] {
  if (typeof prefix !== 'string')
    return [{ path: 'prefix', message: `expected a string, got ${typeof prefix}` }];
  if (prefix === '') return [];
  const issues: InputIssue[] = [];
  checkCharacters(prefix, 'prefix', issues);
  if (!prefix.startsWith('/')) {
    const complete = prefix.split('/').slice(0, -1);
    checkSegments(complete, quoteStoreKey(prefix), 'prefix', issues);
  }
  return issues;
}

/**
 * Throws an `InputError` naming `source` and the key unless `key` is a valid store key.
 *
 * @example
 * assertStoreKey('cycles/c1/state.json', 'filesystem artifact store .harnessx/store');
 */
export function assertStoreKey(key: unknown, source: string): asserts key is string {
  const issues = findStoreKeyIssues(key);
  if (issues.length > 0) throw new InputError('store key', source, issues, { code: 'STORE_KEY_INVALID' });
}

/** Throws an `InputError` naming `source` and the prefix unless `prefix` is a valid `list` prefix. */
export function assertStorePrefix(prefix: unknown, source: string): asserts prefix is string {
  const issues = findStorePrefixIssues(prefix);
  if (issues.length > 0)
    throw new InputError('store key prefix', source, issues, { code: 'STORE_KEY_INVALID' });
}

/** Throws an `InputError` unless `key` is a valid store key under one of `DELETABLE_PREFIXES`. */
export function assertDeletableKey(key: unknown, source: string): asserts key is string {
  assertStoreKey(key, source);
  if (DELETABLE_PREFIXES.some((prefix) => key.startsWith(prefix))) return;
  throw new InputError(
    'store key',
    source,
    [
      {
        path: 'key',
        message: `only keys under ${DELETABLE_PREFIXES.join(', ')} may be deleted, not "${key}"`,
      },
    ],
    { code: 'STORE_KEY_NOT_DELETABLE' },
  );
}
