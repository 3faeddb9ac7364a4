/** The frozen `harnessx.verdict/1` fixtures: the valid one parses, each bad one fails at its path. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.ts';
import { verdictArtifact } from '../artifacts/verdict.ts';

const FIXTURES = fileURLToPath(new URL('../artifacts/fixtures/', import.meta.url));
const load = (name: string): unknown => JSON.parse(readFileSync(`${FIXTURES}${name}`, 'utf8'));

describe('harnessx.verdict/1 frozen fixtures', () => {
  it('parses the valid fixture: a pass with the warning kept after the revision round', () => {
    const verdict = verdictArtifact.parse(load('verdict-1.json'), 'verdict-1.json');
    expect(verdict.decision).toBe('pass');
    expect(verdict.revisionRound).toBe(1);
    expect(verdict.checks.filter((check) => check.severity === 'warn').map((check) => check.id)).toEqual([
      'gain-concentration',
    ]);
  });

  const bad: [string, string[]][] = [
    ['verdict-1.bad-future-version.json', ['schemaVersion']],
    ['verdict-1.bad-missing-field.json', ['decision']],
    ['verdict-1.bad-prototype-pollution.json', ['checks[1].__proto__']],
    ['verdict-1.bad-huge-string.json', ['checks[5].detail']],
    ['verdict-1.bad-wrong-types.json', ['revisionRound', 'checks[0].passed']],
  ];
  for (const [name, paths] of bad) {
    it(`rejects ${name} with an InputError naming the file and ${paths.join(', ')}`, () => {
      const result = verdictArtifact.safeParse(load(name), name);
      expect(result.success).toBe(false);
      if (result.success) return;
      expect(result.error).toBeInstanceOf(InputError);
      expect(result.error.source).toBe(name);
      const issuePaths = result.error.issues.map((issue) => issue.path);
      for (const path of paths) expect(issuePaths).toContain(path);
    });
  }
});
