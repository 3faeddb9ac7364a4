import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFilesystemArtifactStore } from '../adapters/embedded/filesystem-artifact-store.ts';
import { InputError } from '../errors.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import { buildGroupDatasetFromCandidates } from './build-dataset.ts';
import {
  datasetKeys,
  parseGroupsJsonl,
  parseManifest,
  readGroupDataset,
  writeGroupDataset,
} from './dataset-io.ts';
import { candidatesFor, TEST_POLICY } from './fixtures/candidates.ts';

const built = buildGroupDatasetFromCandidates(candidatesFor({ a: [1, 0], b: [0, 1, 0.5] }), {
  initPolicy: TEST_POLICY,
  round: 'cycle-1',
  clock: () => new Date('2026-02-01T00:00:00.000Z'),
});
const lines = built.jsonl.trimEnd().split('\n');

// biome-ignore lint/suspicious/noExplicitAny: the tests mutate arbitrary JSON paths.
type Json = Record<string, any>;

/** Replaces line 2 with a mutated copy and returns the InputError the reader raises. */
function rejectionOf(mutate: (record: Json) => void, rawLine?: string): InputError {
  const record = JSON.parse(lines[1] as string);
  mutate(record);
  const text = `${lines[0]}\n${rawLine ?? JSON.stringify(record)}\n`;
  try {
    parseGroupsJsonl(text, 'groups.jsonl');
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('the malformed record was accepted');
}

const call0 = 'trajectories[0].calls[0]';

describe('malformed group records are rejected, naming the line and the path (spec §9.10)', () => {
  const cases: [string, (r: Json) => void, string][] = [
    [
      'log-prob and id lengths differ',
      (r) => {
        r.trajectories[0].calls[0].tokens = {
          extends: null,
          prompt_ids: [1],
          completion_ids: [2, 3],
          completion_logprobs: [-0.1],
          logprobs_mode: 'processed',
        };
      },
      `${call0}.tokens.completion_logprobs`,
    ],
    [
      'response is not the assistant',
      (r) => {
        r.trajectories[0].calls[0].response.role = 'user';
      },
      `${call0}.response.role`,
    ],
    [
      'context.extends points forward',
      (r) => {
        r.trajectories[0].calls[0].context.extends = 'c1';
      },
      `${call0}.context.extends`,
    ],
    [
      'tokens.extends names a call without tokens',
      (r) => {
        r.trajectories[0].calls[0].tokens = {
          extends: 'c0',
          prompt_ids: [1],
          completion_ids: [2],
          completion_logprobs: null,
          logprobs_mode: null,
        };
      },
      `${call0}.tokens.extends`,
    ],
    [
      'reward is null',
      (r) => {
        r.trajectories[0].reward = null;
      },
      'trajectories[0].reward',
    ],
    [
      'unknown message role',
      (r) => {
        r.trajectories[0].calls[0].context.messages[0].role = 'developer';
      },
      `${call0}.context.messages[0].role`,
    ],
    [
      'tool-call arguments as an object',
      (r) => {
        r.trajectories[1].calls[0].response = {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'x', type: 'function', function: { name: 'f', arguments: { a: 1 } } }],
        };
      },
      'trajectories[1].calls[0].response.tool_calls[0].function.arguments',
    ],
    [
      'advantage.n disagrees with the trajectories',
      (r) => {
        r.advantage.n = 7;
      },
      'advantage.n',
    ],
    [
      'unknown key',
      (r) => {
        r.trajectories[0].surprise = true;
      },
      'trajectories[0]',
    ],
    [
      'status infra_error',
      (r) => {
        r.trajectories[1].status = 'infra_error';
      },
      'trajectories[1].status',
    ],
    [
      'finish reason unknown',
      (r) => {
        r.trajectories[0].calls[0].finish_reason = 'eos';
      },
      `${call0}.finish_reason`,
    ],
  ];

  it.each(cases)('%s', (_name, mutate, path) => {
    const error = rejectionOf(mutate);
    expect(error.source).toBe('groups.jsonl line 2');
    expect(error.issues.map((issue) => issue.path)).toContain(path);
  });

  it('an infinite reward (1e999) is rejected at its path', () => {
    const raw = (lines[1] as string).replace('"reward":1,', '"reward":1e999,');
    expect(raw).not.toBe(lines[1]);
    const error = rejectionOf(() => {}, raw);
    expect(error.issues.map((issue) => issue.path)).toContain('trajectories[1].reward');
  });

  it('a NaN reward is not JSON: the line is rejected as a whole', () => {
    const raw = (lines[1] as string).replace('"reward":1,', '"reward":NaN,');
    const error = rejectionOf(() => {}, raw);
    expect(error.source).toBe('groups.jsonl line 2');
    expect(error.message).toMatch(/not valid JSON/);
  });

  it('the writer refuses what the reader would refuse', async () => {
    const bad = {
      ...built,
      jsonl: built.jsonl.replace('"role":"assistant","content":"answer', '"role":"user","content":"answer'),
    };
    await expect(
      writeGroupDataset(createFilesystemArtifactStore('/nonexistent-never-written'), 'c', bad),
    ).rejects.toThrow(/response\.role/);
  });

  it('a manifest with an unknown field or bad count is rejected', () => {
    expect(() => parseManifest({ ...built.manifest, extra: 1 }, 'manifest.json')).toThrow(InputError);
    const counts = { ...built.manifest.counts, zero_advantage: -1 };
    expect(() => parseManifest({ ...built.manifest, counts }, 'manifest.json')).toThrow(
      /counts\.zero_advantage/,
    );
  });
});

describe('writeGroupDataset / readGroupDataset', () => {
  let root: string;
  let store: ArtifactStore;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'xgrpo-io-'));
    store = createFilesystemArtifactStore(root);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('round-trips under datasets/grpo/<cycle>/ and is immutable', async () => {
    const keys = await writeGroupDataset(store, 'cycle-1', built);
    expect(keys).toEqual({
      groupsKey: datasetKeys.groups('cycle-1'),
      manifestKey: datasetKeys.manifest('cycle-1'),
    });
    const read = await readGroupDataset(store, 'cycle-1');
    expect(read.jsonl).toBe(built.jsonl);
    expect(read.manifest).toEqual(built.manifest);
    await expect(writeGroupDataset(store, 'cycle-1', built)).resolves.toEqual(keys);
    const other = buildGroupDatasetFromCandidates(candidatesFor({ z: [1, 0] }), { initPolicy: TEST_POLICY });
    await expect(writeGroupDataset(store, 'cycle-1', other)).rejects.toThrow();
  });

  it('rejects a manifest whose sha256 does not match the file', async () => {
    await store.put(datasetKeys.groups('c2'), built.jsonl);
    await store.put(
      datasetKeys.manifest('c2'),
      JSON.stringify({ ...built.manifest, dataset_sha256: 'f'.repeat(64) }),
    );
    await expect(readGroupDataset(store, 'c2')).rejects.toThrow(/dataset_sha256/);
  });

  it('names the missing file', async () => {
    await expect(readGroupDataset(store, 'nope')).rejects.toThrow(/datasets\/grpo\/nope\/groups\.jsonl/);
  });
});
