import { describe, expect, it } from 'vitest';
import { digestArtifact } from '../artifacts/digest.ts';
import {
  expectBadFixtureRejected,
  loadArtifactFixture,
} from '../artifacts/test-support/artifact-fixtures.ts';

const load = loadArtifactFixture;

describe('harnessx.digest/1 frozen fixtures', () => {
  it('parses the valid fixture', () => {
    const digest = digestArtifact.parse(load('digest-1.json'), 'digest-1.json');
    expect(digest.schemaVersion).toBe('harnessx.digest/1');
    expect(digest.clusters[0]?.refinedSummary).toBeDefined();
    expect(
      digest.trajectories.filter((entry) => !entry.success).every((entry) => entry.turn !== undefined),
    ).toBe(true);
  });

  const bad: [string, string[]][] = [
    ['digest-1.bad-future-version.json', ['schemaVersion', 'clusters[0]']],
    ['digest-1.bad-missing-field.json', ['tokens']],
    ['digest-1.bad-prototype-pollution.json', ['clusters[0].__proto__']],
    ['digest-1.bad-huge-string.json', ['trajectories[2].evidence[0].excerpt']],
    ['digest-1.bad-wrong-types.json', ['episodes', 'trajectories[0].success']],
  ];
  for (const [name, paths] of bad) {
    it(`rejects ${name} with an InputError naming the file and ${paths.join(', ')}`, () => {
      expectBadFixtureRejected(digestArtifact, name, paths);
    });
  }
});
