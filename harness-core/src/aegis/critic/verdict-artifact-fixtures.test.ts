import { describe, expect, it } from 'vitest';
import {
  expectBadFixtureRejected,
  loadArtifactFixture,
} from '../artifacts/test-support/artifact-fixtures.ts';
import { verdictArtifact } from '../artifacts/verdict.ts';

const load = loadArtifactFixture;

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
      expectBadFixtureRejected(verdictArtifact, name, paths);
    });
  }
});
