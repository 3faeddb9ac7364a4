import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createFilesystemArtifactStore } from '../adapters/embedded/filesystem-artifact-store.ts';
import { checkManifestAgainstGroups, parseGroupsJsonl } from './dataset-io.ts';
import { buildFrozenFixtureDataset } from './fixtures/frozen-fixture.ts';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const expected = (file: string) => readFileSync(`${fixtures}expected/${file}`, 'utf8');

describe('frozen fixture: household traces of two harness versions, k = 2', () => {
  it('rebuilds groups.jsonl and manifest.json byte for byte', async () => {
    const dataset = await buildFrozenFixtureDataset(createFilesystemArtifactStore(fixtures));
    expect(dataset.jsonl).toBe(expected('groups.jsonl'));
    expect(`${JSON.stringify(dataset.manifest, null, 2)}\n`).toBe(expected('manifest.json'));
  });

  it('holds cross-harness groups whose manifest matches a recount', () => {
    const jsonl = expected('groups.jsonl');
    const records = parseGroupsJsonl(jsonl, 'expected/groups.jsonl');
    const manifest = JSON.parse(expected('manifest.json'));
    expect(checkManifestAgainstGroups(manifest, records, jsonl)).toEqual([]);
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) {
      expect(new Set(record.trajectories.map((t) => t.harness.harness_id)).size).toBe(2);
      // Our runtime appends to its context, so every later call extends an earlier one.
      for (const t of record.trajectories)
        expect(t.calls.slice(1).every((c) => c.context.extends !== null)).toBe(true);
    }
  });
});
