/**
 * Trace reading throughput: MB/s of `readTraceFile` (read, decode, parse and map every span into
 * `Trajectory` values) versus MB/s of a plain `JSON.parse` of the same file's text, both starting
 * from the bytes on disk and measured in the same run. The file is ~30 MB of synthetic OTLP/JSON
 * episodes whose chat spans carry the full growing conversation, as real traces do.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTraceFile } from '../harness-core/src/trace/otlp-reader.ts';
import { trajectoriesToOtlp } from '../harness-core/src/trace/otlp-writer.ts';
import { createSyntheticTrajectories } from '../harness-core/src/trace/synthetic-trajectories.ts';
import { type BenchResult, bestOf } from './bench-result.ts';

const EPISODES = 220;
const TURNS = 20;
const RUNS = 3;
const MEGABYTE = 1024 * 1024;

async function throughput(bytes: number, work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return bytes / MEGABYTE / seconds;
}

export async function run(): Promise<BenchResult> {
  const directory = await mkdtemp(join(tmpdir(), 'harnessx-trace-read-'));
  try {
    const path = join(directory, 'episodes.otlp.json');
    const trajectories = createSyntheticTrajectories({
      episodes: EPISODES,
      turnsPerEpisode: TURNS,
      seed: 42,
    });
    await writeFile(path, JSON.stringify(trajectoriesToOtlp(trajectories, { redactor: false })));
    const { size } = await stat(path);
    let episodesRead = 0;
    const ours = await bestOf(RUNS, () =>
      throughput(size, async () => {
        episodesRead = (await readTraceFile(path)).trajectories.length;
      }),
    );
    const baseline = await bestOf(RUNS, () =>
      throughput(size, async () => JSON.parse(await readFile(path, 'utf8')) as unknown),
    );
    if (episodesRead !== EPISODES) throw new Error(`read ${episodesRead} episodes, wrote ${EPISODES}`);
    return {
      name: 'trace-read',
      ratio: ours / baseline,
      target: 0.5,
      unit: 'readTraceFile MB/s ÷ JSON.parse MB/s (same bytes, best of 3)',
      details: {
        fileMegabytes: size / MEGABYTE,
        episodes: EPISODES,
        spans: EPISODES * (1 + 2 * TURNS),
        readTraceFileMBps: ours,
        jsonParseMBps: baseline,
      },
    };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
