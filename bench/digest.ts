/**
 * The Digest stage's two benchmarks, on a 100-episode batch of household traces (the baseline
 * harness on the simulated worker, written as one OTLP/JSON file):
 *
 * - throughput: MB/s of `digestTraceFiles` (read, map every span to trajectories, analyse and
 *   cluster) versus MB/s of a plain `JSON.parse` of the same file's text, both from the bytes on
 *   disk, best of 5 interleaved runs; target ≥ 0.5. The trace reader alone is measured alongside,
 *   so the digest's own share of the time shows;
 * - compression: tokens of the trace text read (bytes / 4) over tokens of the digest's own JSON,
 *   with the default options; target ≥ 1000. The compact form (no evidence per trajectory,
 *   successes counted but not listed) is reported in the details. That failures stay located
 *   (class, turn, evidence) is asserted in `household-digest.test.ts`, not here.
 *
 * `run()` returns the throughput result with the compression in its details; `runAll()` returns
 * both as separate results.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DigestTraceFilesResult, digestTraceFiles } from '../harness-core/src/aegis/digest/index.ts';
import { runHouseholdBatch } from '../harness-core/src/aegis/digest/test-support/household-batch.ts';
import { readTraceFile, writeTraceFile } from '../harness-core/src/trace/index.ts';
import type { BenchResult } from './bench-result.ts';

const EPISODES = 100;
const RUNS = 5;
const MEGABYTE = 1024 * 1024;
const CYCLE_ID = 'bench-digest';

async function throughput(bytes: number, work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return bytes / MEGABYTE / seconds;
}

/** Best MB/s of each measure; interleaved, so every side sees the same machine load. */
async function bestInterleaved(measures: readonly (() => Promise<number>)[]): Promise<number[]> {
  for (const measure of measures) await measure();
  const best = measures.map(() => 0);
  for (let run = 0; run < RUNS; run++) {
    for (const [index, measure] of measures.entries())
      best[index] = Math.max(best[index] ?? 0, await measure());
  }
  return best;
}

interface Measurements {
  fileBytes: number;
  digestMBps: number;
  readerMBps: number;
  jsonParseMBps: number;
  result: DigestTraceFilesResult;
  compactTokensOut: number;
}

async function measure(): Promise<Measurements> {
  const directory = await mkdtemp(join(tmpdir(), 'harnessx-bench-digest-'));
  try {
    const batch = await runHouseholdBatch({ episodes: EPISODES });
    const path = join(directory, 'household-batch.otlp.json');
    await writeTraceFile(path, batch.trajectories);
    const { size } = await stat(path);
    const options = { cycleId: CYCLE_ID, harnessContentId: batch.contentId };
    let result: DigestTraceFilesResult | undefined;
    const [digestMBps = 0, readerMBps = 0, jsonParseMBps = 0] = await bestInterleaved([
      () =>
        throughput(size, async () => {
          result = await digestTraceFiles([path], options);
        }),
      () => throughput(size, () => readTraceFile(path)),
      () => throughput(size, async () => JSON.parse(await readFile(path, 'utf8')) as unknown),
    ]);
    if (!result || result.digest.episodes !== EPISODES) {
      throw new Error(`digested ${result?.digest.episodes ?? 0} episodes, wrote ${EPISODES}`);
    }
    const compact = await digestTraceFiles([path], {
      ...options,
      evidencePerTrajectory: 0,
      successfulTrajectories: 'omit',
    });
    return {
      fileBytes: size,
      digestMBps,
      readerMBps,
      jsonParseMBps,
      result,
      compactTokensOut: compact.digest.tokens.out,
    };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

function throughputResult(m: Measurements): BenchResult {
  const { tokens } = m.result.digest;
  return {
    name: 'digest-throughput',
    ratio: m.digestMBps / m.jsonParseMBps,
    target: 0.5,
    unit: `digestTraceFiles MB/s ÷ JSON.parse MB/s (same bytes, best of ${RUNS}, interleaved)`,
    details: {
      fileMegabytes: m.fileBytes / MEGABYTE,
      episodes: EPISODES,
      digestMBps: m.digestMBps,
      readTraceFileMBps: m.readerMBps,
      jsonParseMBps: m.jsonParseMBps,
      readerOnlyRatio: m.readerMBps / m.jsonParseMBps,
      compressionRatio: tokens.in / tokens.out,
      tokensIn: tokens.in,
      tokensOut: tokens.out,
    },
  };
}

function compressionResult(m: Measurements): BenchResult {
  const { digest } = m.result;
  return {
    name: 'digest-compression',
    ratio: digest.tokens.in / digest.tokens.out,
    target: 1000,
    unit: 'trace tokens read (bytes / 4) ÷ digest tokens (its JSON / 4), 100 household episodes',
    details: {
      tokensIn: digest.tokens.in,
      tokensOut: digest.tokens.out,
      compactTokensOut: m.compactTokensOut,
      compactRatio: digest.tokens.in / m.compactTokensOut,
      episodes: EPISODES,
      failedEpisodes: digest.clusters.reduce((sum, cluster) => sum + cluster.count, 0),
      successRate: digest.successRate,
      clusters: digest.clusters.length,
      topCluster: digest.clusters[0]?.id ?? '(none)',
    },
  };
}

export async function runAll(): Promise<BenchResult[]> {
  const measurements = await measure();
  return [throughputResult(measurements), compressionResult(measurements)];
}

export async function run(): Promise<BenchResult> {
  return throughputResult(await measure());
}
