/** The frozen `harnessx.gate/1` fixtures: the valid one parses, each bad one fails at its path. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.ts';
import { gateDecisionArtifact } from '../artifacts/gate-decision.ts';

const FIXTURES = fileURLToPath(new URL('../artifacts/fixtures/', import.meta.url));
const load = (name: string): unknown => JSON.parse(readFileSync(`${FIXTURES}${name}`, 'utf8'));

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
      const result = gateDecisionArtifact.safeParse(load(name), name);
      expect(result.success).toBe(false);
      if (result.success) return;
      expect(result.error).toBeInstanceOf(InputError);
      expect(result.error.source).toBe(name);
      const issuePaths = result.error.issues.map((issue) => issue.path);
      for (const path of paths) expect(issuePaths).toContain(path);
    });
  }
});
