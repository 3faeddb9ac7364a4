/**
 * Bundles the pipeline's functions the way CDK's `NodejsFunction` does for the deployment, from
 * the same `FUNCTION_BUNDLING` options, so the local stack runs the very code Lambda would. Bundles
 * go inside the repository by default, where Node resolves the external packages
 * (`@aws-sdk/*`, `quickjs-emscripten`) from its node_modules as the Lambda runtime and layer would.
 */
import { access, cp, mkdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { InputError, SystemError } from '../../../errors.ts';
import { FUNCTION_BUNDLING, PIPELINE_STAGES } from '../../../ports/foundry-topology.ts';

export interface BundleFunctionsOptions {
  /** The repository root: `functions/<name>/handler.ts` and `node_modules/` are under it. */
  repoRoot: string;
  /** Default `<repoRoot>/.harnessx/stack/bundles`. */
  outDir?: string;
  /** Function names to bundle (default: every pipeline stage's function). */
  only?: readonly string[];
}

export interface BundledFunction {
  functionName: string;
  /** `<outDir>/<functionName>/index.mjs` */
  path: string;
  bytes: number;
  /** Where the sandbox worker scripts were copied, for functions that run sandboxed code. */
  workerDir?: string;
}

export function defaultBundleDir(repoRoot: string): string {
  return join(repoRoot, '.harnessx', 'stack', 'bundles');
}

/**
 * Bundles one entry file with the deployment's options to `outFile`, copying the sandbox worker
 * scripts beside it when `withSandboxWorker` is set. Tests bundle their own test-double handlers
 * with it, so those run under the same conditions as the real functions.
 */
export async function bundleEntry(options: {
  repoRoot: string;
  entry: string;
  outFile: string;
  withSandboxWorker?: boolean;
}): Promise<{ path: string; bytes: number; workerDir?: string }> {
  const entry = resolve(options.repoRoot, options.entry);
  try {
    await access(entry);
  } catch {
    throw new SystemError(`cannot bundle ${entry}: the file does not exist`, {
      code: 'BUNDLE_ENTRY_MISSING',
    });
  }
  try {
    await build({
      absWorkingDir: options.repoRoot,
      entryPoints: [entry],
      outfile: options.outFile,
      bundle: true,
      format: FUNCTION_BUNDLING.format,
      target: FUNCTION_BUNDLING.target,
      platform: FUNCTION_BUNDLING.platform,
      minify: FUNCTION_BUNDLING.minify,
      sourcemap: FUNCTION_BUNDLING.sourcemap,
      legalComments: FUNCTION_BUNDLING.legalComments,
      charset: FUNCTION_BUNDLING.charset,
      mainFields: [...FUNCTION_BUNDLING.mainFields],
      external: [...FUNCTION_BUNDLING.externalModules],
      banner: { js: FUNCTION_BUNDLING.banner },
      logLevel: 'silent',
    });
  } catch (error) {
    const errors = (error as { errors?: { text: string; location?: { file: string; line: number } }[] })
      .errors;
    const detail = errors
      ?.slice(0, 5)
      .map((item) => `${item.location ? `${item.location.file}:${item.location.line}: ` : ''}${item.text}`)
      .join('; ');
    throw new SystemError(`esbuild failed for ${options.entry}: ${detail ?? (error as Error).message}`, {
      cause: error,
      code: 'BUNDLE_FAILED',
    });
  }
  const bytes = (await stat(options.outFile)).size;
  if (!options.withSandboxWorker) return { path: options.outFile, bytes };
  const workerDir = join(dirname(options.outFile), 'worker');
  await cp(join(options.repoRoot, FUNCTION_BUNDLING.sandboxWorkerDir), workerDir, { recursive: true });
  return { path: options.outFile, bytes, workerDir };
}

/**
 * @example
 * const bundles = await bundleFunctions({ repoRoot: process.cwd(), only: ['digest'] });
 * bundles[0].path; // <repo>/.harnessx/stack/bundles/digest/index.mjs
 */
export async function bundleFunctions(options: BundleFunctionsOptions): Promise<BundledFunction[]> {
  const known = PIPELINE_STAGES.map((stage) => stage.functionName);
  const unknown = (options.only ?? []).filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new InputError('function selection', 'bundleFunctions', [
      { path: 'only', message: `unknown function(s) ${unknown.join(', ')}; expected ${known.join(', ')}` },
    ]);
  }
  const outDir = options.outDir ?? defaultBundleDir(options.repoRoot);
  const stages = PIPELINE_STAGES.filter(
    (stage) => options.only === undefined || options.only.includes(stage.functionName),
  );
  const bundled: BundledFunction[] = [];
  // One at a time: esbuild already uses every core, and the machines that run this have two.
  for (const stage of stages) {
    await mkdir(join(outDir, stage.functionName), { recursive: true });
    const result = await bundleEntry({
      repoRoot: options.repoRoot,
      entry: FUNCTION_BUNDLING.entry(stage.functionName),
      outFile: join(outDir, stage.functionName, 'index.mjs'),
      withSandboxWorker: stage.usesSandbox,
    });
    bundled.push({ functionName: stage.functionName, ...result });
  }
  return bundled;
}

/** Bundles built earlier by `bundleFunctions` into `outDir`; `SystemError` naming any that is missing. */
export async function findBundles(options: BundleFunctionsOptions): Promise<BundledFunction[]> {
  const outDir = options.outDir ?? defaultBundleDir(options.repoRoot);
  const stages = PIPELINE_STAGES.filter(
    (stage) => options.only === undefined || options.only.includes(stage.functionName),
  );
  const found: BundledFunction[] = [];
  for (const stage of stages) {
    const path = join(outDir, stage.functionName, 'index.mjs');
    const bytes = await stat(path).then(
      (info) => info.size,
      () => undefined,
    );
    if (bytes === undefined) {
      throw new SystemError(`no bundle of ${stage.functionName} at ${path}: build the bundles first`, {
        code: 'BUNDLE_MISSING',
      });
    }
    const workerDir = join(outDir, stage.functionName, 'worker');
    found.push({
      functionName: stage.functionName,
      path,
      bytes,
      ...(stage.usesSandbox ? { workerDir } : {}),
    });
  }
  return found;
}
