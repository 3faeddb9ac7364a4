/**
 * Size of each pipeline function's bundle (`index.mjs`, built exactly as for Lambda by the local
 * stack's `bundleFunctions`, from `FUNCTION_BUNDLING`) against a 1 MB target: a small bundle loads
 * fast on a cold start. Ratio = target ÷ size, so ≥ 1 meets it. `runAll()` gives one result per
 * function; `run()` one result for the largest, with every function's size in its details.
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type BundledFunction,
  bundleFunctions,
} from '../harness-core/src/adapters/aws/local-stack/bundle-functions.ts';
import type { BenchResult } from './bench-result.ts';

/** 1 MB, decimal: the bundle as Lambda loads it, before any compression. */
const TARGET_BYTES = 1_000_000;
const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

async function bundleAll(): Promise<{ bundles: BundledFunction[]; seconds: number }> {
  // Inside the repository, as the local stack bundles, so externals resolve the same way.
  const outDir = join(REPO_ROOT, '.harnessx', 'bench-bundles', randomUUID());
  const started = process.hrtime.bigint();
  try {
    const bundles = await bundleFunctions({ repoRoot: REPO_ROOT, outDir });
    return { bundles, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

const UNIT = `target bytes (${TARGET_BYTES}) ÷ index.mjs bytes (minified ESM, externals per FUNCTION_BUNDLING)`;

function resultFor(bundle: BundledFunction, seconds: number): BenchResult {
  return {
    name: `bundle-size-${bundle.functionName}`,
    ratio: TARGET_BYTES / bundle.bytes,
    target: 1,
    unit: UNIT,
    details: { bytes: bundle.bytes, kilobytes: bundle.bytes / 1000, bundleAllSeconds: seconds },
  };
}

export async function runAll(): Promise<BenchResult[]> {
  const { bundles, seconds } = await bundleAll();
  return bundles.map((bundle) => resultFor(bundle, seconds));
}

export async function run(): Promise<BenchResult> {
  const { bundles, seconds } = await bundleAll();
  const largest = bundles.reduce((max, bundle) => (bundle.bytes > max.bytes ? bundle : max));
  return {
    name: 'bundle-size',
    ratio: TARGET_BYTES / largest.bytes,
    target: 1,
    unit: `${UNIT}, largest function`,
    details: {
      largest: largest.functionName,
      bundleAllSeconds: seconds,
      ...Object.fromEntries(bundles.map((bundle) => [`${bundle.functionName}Bytes`, bundle.bytes])),
    },
  };
}
