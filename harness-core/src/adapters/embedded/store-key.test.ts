import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.ts';
import { assertStoreKey, assertStorePrefix, findStoreKeyIssues, findStorePrefixIssues } from './store-key.ts';

describe('store keys', () => {
  it.each([
    'cycles/c1/state.json',
    'harnesses/household/versions/sha256-ab/harness.json',
    'a',
    '.hidden/x',
    'a/..b/c..',
    'naïve/☃.json',
    'k'.repeat(1024),
  ])('accepts %s', (key) => {
    expect(findStoreKeyIssues(key)).toEqual([]);
  });

  it.each([
    ['', 'empty'],
    ['/abs', 'absolute'],
    ['a/../b', '".."'],
    ['a/./b', '"."'],
    ['a//b', 'empty segment'],
    ['a/', 'empty segment'],
    ['a\\b', 'backslash'],
    ['a\nb', 'control character'],
    ['é'.repeat(513), 'longer than 1024 UTF-8 bytes'],
  ])('refuses %j (%s)', (key, reason) => {
    const issues = findStoreKeyIssues(key);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.map((issue) => issue.message).join(' ')).toContain(reason);
    expect(issues.every((issue) => issue.path === 'key')).toBe(true);
  });

  it('refuses non-strings', () => {
    expect(findStoreKeyIssues(undefined)).toEqual([
      { path: 'key', message: 'expected a string, got undefined' },
    ]);
  });

  it('throws an InputError naming the source and a shortened key', () => {
    const long = `../${'x'.repeat(500)}`;
    const error = (() => {
      try {
        assertStoreKey(long, 'the test store');
      } catch (caught) {
        return caught as InputError;
      }
    })();
    expect(error).toBeInstanceOf(InputError);
    expect(error?.source).toBe('the test store');
    expect(error?.code).toBe('STORE_KEY_INVALID');
    expect(error!.message.length).toBeLessThan(400);
  });
});

describe('store key prefixes', () => {
  it.each(['', 'cycles/', 'cycles/c', 'cycles/c1/s', 'a/.', 'a/..', '.h'])('accepts %j', (prefix) => {
    expect(findStorePrefixIssues(prefix)).toEqual([]);
  });

  it.each(['/', '/etc/', '../', 'a/../', './x', 'a//', 'a\\b', 'a\u0000'])('refuses %j', (prefix) => {
    expect(findStorePrefixIssues(prefix).length).toBeGreaterThan(0);
    expect(() => assertStorePrefix(prefix, 'the test store')).toThrow(InputError);
  });
});
