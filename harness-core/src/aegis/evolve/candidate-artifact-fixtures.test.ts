import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.ts';
import { harnessContentId } from '../../harness/canonical.ts';
import { candidateArtifact } from '../artifacts/candidate.ts';
import { loadArtifactFixture } from '../artifacts/test-support/artifact-fixtures.ts';

const fixture = loadArtifactFixture;

describe('harnessx.candidate/1 frozen fixtures', () => {
  it('parses the valid fixture, whose content id is that of its spec', () => {
    const candidate = candidateArtifact.parse(fixture('candidate-1.json'), 'candidate-1.json');
    expect(candidate.candidateId).toBe('household-c001-k1');
    expect(candidate.contentId).toBe(harnessContentId(candidate.spec));
    expect(candidate.spec.parent).toBe(candidate.parentContentId);
    expect(candidate.manifest.attribution.source).toBe('catalogue');
  });

  it.each([
    ['candidate-1.bad-future-version.json', ['schemaVersion']],
    ['candidate-1.bad-missing-field.json', ['manifest.attribution']],
    ['candidate-1.bad-prototype-pollution.json', ['spec.models.worker.options.__proto__']],
    ['candidate-1.bad-huge-string.json', ['spec.description']],
    ['candidate-1.bad-wrong-types.json', ['manifest.changes', 'revision']],
  ])('rejects %s with an InputError naming %j', (name, paths) => {
    const result = candidateArtifact.safeParse(fixture(name), name);
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error).toBeInstanceOf(InputError);
    expect(result.error.source).toBe(name);
    expect(result.error.entity).toBe('harnessx.candidate/1');
    expect(result.error.issues.map((issue) => issue.path).sort()).toEqual([...paths].sort());
  });
});
