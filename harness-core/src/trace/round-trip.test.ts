import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOtlpDocument, readOtlpText, readTraceFile } from './otlp-reader.ts';
import { trajectoriesToOtlp } from './otlp-writer.ts';
import { withAssignedSpanIds } from './span-ids.ts';
import { createSyntheticTrajectories } from './synthetic-trajectories.ts';
import { realisticBatch } from './test-support/trace-fixtures.ts';
import { trajectoryBatchArbitrary } from './test-support/trajectory-arbitraries.ts';
import { writeTraceFile } from './trace-file.ts';

describe('read(write(t)) gives t back', () => {
  it('for any trajectories the runtime can produce (property)', () => {
    fc.assert(
      fc.property(trajectoryBatchArbitrary, (batch) => {
        const text = JSON.stringify(trajectoriesToOtlp(batch, { redactor: false }));
        const result = readOtlpText(text, 'round-trip');
        expect(result.skipped).toEqual([]);
        expect(result.unmapped).toEqual([]);
        expect(result.trajectories).toEqual(batch.map(withAssignedSpanIds));
      }),
      { numRuns: 150 },
    );
  });

  it('through the exact tokenizer path as well (property)', () => {
    fc.assert(
      fc.property(trajectoryBatchArbitrary, (batch) => {
        // A numeric 64-bit timestamp forces the tokenizer, which must agree with JSON.parse.
        const text = JSON.stringify(trajectoriesToOtlp(batch, { redactor: false })).replace(
          /"startTimeUnixNano":"(\d{16,})"/,
          '"startTimeUnixNano":$1',
        );
        expect(readOtlpText(text, 'round-trip').trajectories).toEqual(batch.map(withAssignedSpanIds));
      }),
      { numRuns: 60 },
    );
  });

  it('for the realistic batch, with default redaction, from a parsed document', () => {
    const batch = realisticBatch();
    const result = readOtlpDocument(JSON.parse(JSON.stringify(trajectoriesToOtlp(batch))), 'memory');
    const expected = batch.map(withAssignedSpanIds);
    // The one secret in the batch is redacted on the way out; everything else is unchanged.
    const fifthTurns = expected[4]?.turns ?? [];
    for (const turn of fifthTurns) {
      const last = turn.modelCall.inputMessages[turn.modelCall.inputMessages.length - 1];
      if (last !== undefined) last.content = 'my key is [REDACTED]';
    }
    expect(result.trajectories).toEqual(expected);
  });

  it('keeps record span ids that were set, and uses the assigned ones otherwise', () => {
    const [trajectory] = createSyntheticTrajectories({ episodes: 1, turnsPerEpisode: 2 });
    if (trajectory === undefined) throw new Error('no trajectory');
    trajectory.spanId = 'aaaaaaaaaaaaaaaa';
    const turn = trajectory.turns[1];
    if (turn === undefined) throw new Error('no turn');
    turn.modelCall.spanId = 'bbbbbbbbbbbbbbbb';
    const [read] = readOtlpText(JSON.stringify(trajectoriesToOtlp([trajectory])), 'ids').trajectories;
    expect(read?.spanId).toBe('aaaaaaaaaaaaaaaa');
    expect(read?.turns[1]?.modelCall.spanId).toBe('bbbbbbbbbbbbbbbb');
    expect(read?.turns[0]?.modelCall.spanId).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('trace files round-trip', () => {
  let directory = '';
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'harnessx-round-trip-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it.each([
    ['plain', 'episodes.otlp.json'],
    ['gzip by extension', 'episodes.otlp.json.gz'],
  ])('%s', async (_label, name) => {
    const batch = createSyntheticTrajectories({ episodes: 6, turnsPerEpisode: 4 });
    const path = join(directory, name);
    await writeTraceFile(path, batch);
    const result = await readTraceFile(path);
    expect(result.trajectories).toEqual(batch.map(withAssignedSpanIds));
    expect(result.skipped).toEqual([]);
  });

  it('streamed, for a file above the threshold', async () => {
    const batch = createSyntheticTrajectories({ episodes: 4, turnsPerEpisode: 5 });
    const path = join(directory, 'streamed.otlp.json.gz');
    await writeTraceFile(path, batch);
    const result = await readTraceFile(path, { streamThresholdBytes: 1 });
    expect(result.trajectories).toEqual(batch.map(withAssignedSpanIds));
  });
});
