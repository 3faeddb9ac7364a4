/** The frozen `harnessx.digest/1` fixtures: the valid one parses, each bad one fails at its path. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.ts';
import { digestArtifact } from '../artifacts/digest.ts';

const FIXTURES = fileURLToPath(new URL('../artifacts/fixtures/', import.meta.url));
const load = (name: string): unknown => JSON.parse(readFileSync(`${FIXTURES}${name}`, 'utf8'));

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
      const result = digestArtifact.safeParse(load(name), name);
      expect(result.success).toBe(false);
      if (result.success) return;
      expect(result.error).toBeInstanceOf(InputError);
      expect(result.error.source).toBe(name);
      const issuePaths = result.error.issues.map((issue) => issue.path);
      for (const path of paths) expect(issuePaths).toContain(path);
    });
  }
});
