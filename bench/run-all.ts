/**
 * `npm run bench`: runs every benchmark, prints each ratio against its target and writes
 * `bench/results/<name>.json`. Ratios compare against a baseline measured in the same run, so
 * they mean the same on any machine; targets are reported, not asserted.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './bench-result.ts';

type BenchModule = { run: () => Promise<BenchResult>; runAll?: () => Promise<BenchResult[]> };

const benches: Record<string, () => Promise<BenchModule>> = {
  'runtime-overhead': () => import('./runtime-overhead.ts'),
  'trace-read': () => import('./trace-read.ts'),
  digest: () => import('./digest.ts'),
  'bundle-size': () => import('./bundle-size.ts'),
  'stack-cycle': () => import('./stack-cycle.ts'),
};

const only = process.argv.slice(2);
const resultsDir = join(dirname(fileURLToPath(import.meta.url)), 'results');
await mkdir(resultsDir, { recursive: true });
let missed = 0;
for (const [name, load] of Object.entries(benches)) {
  if (only.length > 0 && !only.includes(name)) continue;
  process.stderr.write(`bench ${name}: running...\n`);
  const bench = await load();
  const results = bench.runAll ? await bench.runAll() : [await bench.run()];
  for (const result of results) {
    const verdict = result.ratio >= result.target ? 'meets' : 'BELOW';
    if (result.ratio < result.target) missed += 1;
    process.stdout.write(
      `${result.name}: ratio ${result.ratio.toFixed(3)} (${verdict} target ${result.target}) - ${result.unit}\n`,
    );
    for (const [key, value] of Object.entries(result.details)) {
      process.stdout.write(`  ${key}: ${typeof value === 'number' ? Number(value.toFixed(3)) : value}\n`);
    }
    await writeFile(
      join(resultsDir, `${result.name}.json`),
      `${JSON.stringify({ ...result, measuredAt: new Date().toISOString(), node: process.version }, null, 2)}\n`,
    );
  }
}
process.stdout.write(
  missed === 0 ? 'all benchmarks meet their targets\n' : `${missed} benchmark(s) below target\n`,
);
