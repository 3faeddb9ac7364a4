import { describe, expect, it } from 'vitest';
import { gateDecisionArtifact } from '../artifacts/gate-decision.ts';
import {
  expectBadFixtureRejected,
  loadArtifactFixture,
} from '../artifacts/test-support/artifact-fixtures.ts';

const load = loadArtifactFixture;

describe('harnessx.gate/1 frozen fixtures', () => {
  it('parses the valid fixture: a rejection at the solved-task rule, later rules skipped', () => {
    const decision = gateDecisionArtifact.parse(load('gate-1.json'), 'gate-1.json');
    expect(decision.accepted).toBe(false);
    expect(decision.rules.map((rule) => rule.outcome)).toEqual([
      'pass',
      'pass',
      'pass',
      'fail',
      'skipped',
      'skipped',
    ]);
    expect(decision.rules[3]?.inputs['regressed']).toHaveLength(1);
  });

  const bad: [string, string[]][] = [
    ['gate-1.bad-future-version.json', ['schemaVersion']],
    ['gate-1.bad-missing-field.json', ['accepted', 'rules[3].outcome']],
    ['gate-1.bad-prototype-pollution.json', ['rules[1].inputs.constructor']],
    ['gate-1.bad-huge-string.json', ['rules[3].detail']],
    ['gate-1.bad-wrong-types.json', ['accepted', 'rules[0].inputs']],
  ];
  for (const [name, paths] of bad) {
    it(`rejects ${name} with an InputError naming the file and ${paths.join(', ')}`, () => {
      expectBadFixtureRejected(gateDecisionArtifact, name, paths);
    });
  }
});
