import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { JsonStreamTokenizer } from './json-stream-tokenizer.ts';
import { readTraceFile } from './otlp-reader.ts';
import { readTraceFileStream } from './otlp-stream.ts';
import { trajectoriesToOtlp } from './otlp-writer.ts';
import type { TraceReadIssue } from './span-record.ts';
import { createSyntheticTrajectories } from './synthetic-trajectories.ts';
import { FIXTURES } from './test-support/trace-fixtures.ts';
import type { UnmappedSpan } from './trace-assembler.ts';
import type { Trajectory } from './trajectory.ts';

async function readStreamed(path: string, chunkBytes?: number) {
  const unmapped: UnmappedSpan[] = [];
  const skipped: TraceReadIssue[] = [];
  const trajectories: Trajectory[] = [];
  const options = {
    onUnmapped: (span: UnmappedSpan) => unmapped.push(span),
    onSkipped: (issue: TraceReadIssue) => skipped.push(issue),
    ...(chunkBytes === undefined ? {} : { chunkBytes }),
  };
  for await (const trajectory of readTraceFileStream(path, options)) trajectories.push(trajectory);
  return { trajectories, unmapped, skipped };
}

describe('streaming read', () => {
  let directory = '';
  const batch = createSyntheticTrajectories({ episodes: 8, turnsPerEpisode: 6, seed: 5 });

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'harnessx-stream-'));
    const request = JSON.stringify(trajectoriesToOtlp(batch), null, 1);
    const lines = batch.map((trajectory) => JSON.stringify(trajectoriesToOtlp([trajectory]))).join('\n');
    await writeFile(join(directory, 'single.otlp.json'), request);
    await writeFile(join(directory, 'single.otlp.json.gz'), gzipSync(request));
    await writeFile(join(directory, 'lines.otlp.jsonl'), `${lines}\n`);
    await writeFile(join(directory, 'lines.otlp.jsonl.gz'), gzipSync(`${lines}\n`));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it.each(['single.otlp.json', 'single.otlp.json.gz', 'lines.otlp.jsonl', 'lines.otlp.jsonl.gz'])(
    'gives the same result as the in-memory path for %s',
    async (name) => {
      const path = join(directory, name);
      const inMemory = await readTraceFile(path);
      expect(inMemory.trajectories).toHaveLength(8);
      expect(await readTraceFile(path, { streamThresholdBytes: 16 })).toEqual(inMemory);
      // tiny chunks: every token boundary falls inside a chunk boundary somewhere
      expect(await readStreamed(path, 97)).toEqual(inMemory);
    },
  );

  it('gives the same result as the in-memory path for every foreign fixture', async () => {
    for (const name of await readdir(FIXTURES)) {
      const path = join(FIXTURES, name);
      const inMemory = await readTraceFile(path).catch((error: unknown) => error);
      const streamed = await readStreamed(path, 61).catch((error: unknown) => error);
      if (inMemory instanceof InputError) {
        expect(streamed, name).toBeInstanceOf(InputError);
        continue;
      }
      const expected = inMemory as Awaited<ReturnType<typeof readTraceFile>>;
      const actual = streamed as Awaited<ReturnType<typeof readStreamed>>;
      expect(actual.trajectories, name).toEqual(expected.trajectories);
      expect(actual.unmapped, name).toEqual(expected.unmapped);
      // the two paths word JSON syntax errors differently; where they are must agree
      expect(
        actual.skipped.map((issue) => issue.path),
        name,
      ).toEqual(expected.skipped.map((issue) => issue.path));
    }
  });

  it('throws InputError for a file with nothing readable', async () => {
    const stream = readTraceFileStream(join(FIXTURES, 'not-otlp.json'));
    await expect(stream.next()).rejects.toBeInstanceOf(InputError);
  });
});

describe('JsonStreamTokenizer memory', () => {
  it('holds only the unfinished tail of the input, not the text read so far', () => {
    const tokenizer = new JsonStreamTokenizer();
    const element = JSON.stringify({
      traceId: 'ab'.repeat(16),
      name: 'x'.repeat(200),
      attributes: [{ key: 'k', value: { intValue: '7' } }],
    });
    let largest = 0;
    tokenizer.write('{"resourceSpans":[{"scopeSpans":[{"spans":[');
    for (let index = 0; index < 2000; index++) {
      const text = `${index === 0 ? '' : ','}${element}`;
      for (let start = 0; start < text.length; start += 50) {
        tokenizer.write(text.slice(start, start + 50));
        while (tokenizer.next() !== undefined) {
          // drain
        }
        largest = Math.max(largest, tokenizer.bufferedCharacters);
      }
    }
    tokenizer.write(']}]}]}');
    tokenizer.end();
    while (tokenizer.next() !== undefined) {
      // drain
    }
    // ~540 KB went through; at most one chunk plus the longest token was held at a time
    expect(largest).toBeLessThan(50 + 210);
    expect(tokenizer.depth).toBe(0);
  });
});
