/**
 * Real bundling, as `cdk synth` does it: the local esbuild for a plain and a sandbox-using function,
 * and the QuickJS layer copied from node_modules. Slow (esbuild over the whole core), so only here.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PIPELINE_STAGES } from '@harnessx/core';
import type { CfnResource } from 'aws-cdk-lib';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HarnessFunction } from '../lib/constructs/harness-function.ts';
import { QuickJsSandboxLayer } from '../lib/constructs/quickjs-sandbox-layer.ts';
import { REPOSITORY_ROOT } from '../lib/repository-root.ts';
import { removeTemporaryOutdirs, testAppProps } from './support/synth.ts';

afterAll(removeTemporaryOutdirs);

const plain = PIPELINE_STAGES.find((s) => !s.usesSandbox);
const sandboxed = PIPELINE_STAGES.find((s) => s.usesSandbox);

let assetDirs: { plain: string; sandboxed: string; layer: string };

beforeAll(() => {
  if (!plain || !sandboxed)
    throw new Error('the topology needs a plain and a sandbox-using stage for this test');
  const props = testAppProps({ bundling: true, context: { 'aws:cdk:enable-asset-metadata': true } });
  const app = new App(props);
  const stack = new Stack(app, 'Bundled');
  const layer = new QuickJsSandboxLayer(stack, 'Sandbox', { repositoryRoot: REPOSITORY_ROOT });
  const settings = {
    repositoryRoot: REPOSITORY_ROOT,
    logRetention: RetentionDays.ONE_DAY,
    removalPolicy: RemovalPolicy.DESTROY,
    metricsNamespace: 'Test',
  };
  const make = (definition: NonNullable<typeof plain>, sandboxLayer?: QuickJsSandboxLayer) =>
    new HarnessFunction(stack, definition.functionName, {
      ...settings,
      functionName: definition.functionName,
      description: definition.description,
      timeout: Duration.seconds(definition.timeoutSeconds),
      memorySize: definition.memoryMb,
      ...(sandboxLayer ? { sandboxLayer: sandboxLayer.layer } : {}),
    });
  const plainFn = make(plain);
  const sandboxFn = make(sandboxed, layer);
  app.synth();
  const assetPath = (resource: CfnResource) =>
    join(props.outdir as string, String(resource.getMetadata('aws:asset:path')));
  assetDirs = {
    plain: assetPath(plainFn.function.node.defaultChild as CfnResource),
    sandboxed: assetPath(sandboxFn.function.node.defaultChild as CfnResource),
    layer: assetPath(layer.layer.node.defaultChild as CfnResource),
  };
}, 240_000);

describe('function bundles', () => {
  it('are ESM bundles with a source map, the AWS SDK left to the runtime', () => {
    for (const dir of [assetDirs.plain, assetDirs.sandboxed]) {
      expect(existsSync(join(dir, 'index.mjs')), dir).toBe(true);
      expect(existsSync(join(dir, 'index.mjs.map')), dir).toBe(true);
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(code.startsWith('import { createRequire as __hxCreateRequire }')).toBe(true);
      expect(code).toMatch(/from\s*"@aws-sdk\/client-[a-z-]+"/);
      // Node parses it as a module: no syntax esbuild could not lower for the target.
      execFileSync(process.execPath, ['--check', join(dir, 'index.mjs')]);
    }
  });

  it('copies the sandbox worker scripts next to a sandbox-using bundle only', () => {
    const workerDir = join(REPOSITORY_ROOT, 'harness-core/src/sandbox/worker');
    const expected = readdirSync(workerDir).sort();
    expect(readdirSync(join(assetDirs.sandboxed, 'worker')).sort()).toEqual(expected);
    expect(existsSync(join(assetDirs.plain, 'worker'))).toBe(false);
  });
});

describe('QuickJS layer', () => {
  it('holds quickjs-emscripten and its WebAssembly variants under nodejs/node_modules', () => {
    const modules = join(assetDirs.layer, 'nodejs', 'node_modules');
    const manifest = JSON.parse(readFileSync(join(modules, 'quickjs-emscripten', 'package.json'), 'utf8'));
    expect(manifest.version).toBe('0.32.0');
    expect(existsSync(join(modules, 'quickjs-emscripten-core', 'package.json'))).toBe(true);
    const wasm = readdirSync(join(modules, '@jitl'));
    expect(wasm).toContain('quickjs-wasmfile-release-sync');
    expect(wasm).toContain('quickjs-ffi-types');
    expect(existsSync(join(modules, '@aws-sdk'))).toBe(false);
  });
});
