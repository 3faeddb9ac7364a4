import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.ts';
import { planArtifact } from '../artifacts/plan.ts';
import { loadArtifactFixture } from '../artifacts/test-support/artifact-fixtures.ts';

const fixture = loadArtifactFixture;

describe('harnessx.plan/1 frozen fixtures', () => {
  it('parses the valid fixture', () => {
    const plan = planArtifact.parse(fixture('plan-1.json'), 'plan-1.json');
    expect(plan.hypotheses.map((h) => h.rank)).toEqual([1, 2, 3, 4]);
    expect(plan.portfolio.blocked.map((b) => b.lever)).toEqual(['memory']);
  });

  it.each([
    ['plan-1.bad-future-version.json', ['schemaVersion']],
    ['plan-1.bad-missing-field.json', ['hypotheses[0].predicted']],
    ['plan-1.bad-prototype-pollution.json', ['hypotheses[0].edit.params.__proto__']],
    ['plan-1.bad-huge-string.json', ['hypotheses[1].rationale']],
    ['plan-1.bad-wrong-types.json', ['hypotheses[0].rank', 'portfolio.structuralQuota']],
  ])('rejects %s with an InputError naming %j', (name, paths) => {
    const result = planArtifact.safeParse(fixture(name), name);
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error).toBeInstanceOf(InputError);
    expect(result.error.source).toBe(name);
    expect(result.error.entity).toBe('harnessx.plan/1');
    expect(result.error.issues.map((issue) => issue.path).sort()).toEqual([...paths].sort());
  });
});
