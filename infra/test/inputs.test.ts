/** The infra's own inputs: CDK context, construct props, project files and the layer manifest. */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson, InputError, loadHarnessFile, SystemError } from '@harnessx/core';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { quickJsLayerPackages } from '../lib/constructs/quickjs-sandbox-layer.ts';
import { DEFAULT_PROJECT_FILE, readFoundryContext } from '../lib/foundry-context.ts';
import { HarnessFoundry } from '../lib/harness-foundry.ts';
import { packageClosure } from '../lib/package-closure.ts';
import { loadFoundryProjectFiles } from '../lib/project-files.ts';
import { REPOSITORY_ROOT } from '../lib/repository-root.ts';
import { removeTemporaryOutdirs, testAppProps } from './support/synth.ts';

afterAll(removeTemporaryOutdirs);

const appWith = (context: Record<string, unknown>) => new App({ context });

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('CDK context', () => {
  it('defaults to the household project, retained resources, no secret and no e-mail', () => {
    const context = readFoundryContext(appWith({}));
    expect(context).toEqual({
      projectFile: join(REPOSITORY_ROOT, DEFAULT_PROJECT_FILE),
      removalPolicy: RemovalPolicy.RETAIN,
    });
  });

  it('reads every key', () => {
    const context = readFoundryContext(
      appWith({
        'harnessx:project': '/abs/project.yaml',
        'harnessx:modelSecretName': 'hx/models',
        'harnessx:alarmEmail': 'ops@example.com',
        'harnessx:removalPolicy': 'destroy',
      }),
    );
    expect(context).toEqual({
      projectFile: '/abs/project.yaml',
      modelSecretName: 'hx/models',
      alarmEmail: 'ops@example.com',
      removalPolicy: RemovalPolicy.DESTROY,
    });
  });

  it('names the key that is wrong', () => {
    const error = errorOf(() => readFoundryContext(appWith({ 'harnessx:removalPolicy': 'sometimes' })));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).issues.map((i) => i.path)).toEqual(['removalPolicy']);
  });
});

describe('HarnessFoundry props', () => {
  const build = (props: ConstructorParameters<typeof HarnessFoundry>[2]) => () =>
    new HarnessFoundry(new Stack(new App(testAppProps()), 'S'), 'Foundry', props);

  it.each([
    [{ alarmEmail: 'not-an-address' }, 'alarmEmail'],
    [{ modelSecretName: 'has spaces' }, 'modelSecretName'],
    [{ metricsNamespace: '' }, 'metricsNamespace'],
  ])('refuses %o with an InputError naming %s', (props, path) => {
    const error = errorOf(build(props));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).issues.map((i) => i.path)).toEqual([path]);
    expect((error as InputError).source).toBe('S/Foundry');
  });

  it('refuses two projects with one name', () => {
    const project = { name: 'p', projectJson: '{}', baselineJson: '{}' };
    const error = errorOf(build({ projects: [project, project] }));
    expect((error as InputError).message).toMatch(/two projects share a name/);
  });
});

describe('project files', () => {
  it('are the parsed project and baseline as canonical JSON', async () => {
    const files = await loadFoundryProjectFiles(join(REPOSITORY_ROOT, DEFAULT_PROJECT_FILE));
    expect(files.name).toBe('household');
    const project = JSON.parse(files.projectJson);
    expect(project).toMatchObject({ schemaVersion: 'harnessx.project/1', name: 'household' });
    expect(project.policies.triggerTraces).toBe(1);
    const baseline = await loadHarnessFile(join(REPOSITORY_ROOT, 'examples/harnesses/baseline.yaml'));
    expect(files.baselineJson).toBe(canonicalJson(baseline));
  });

  it('applies the project worker model to the baseline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'harnessx-project-'));
    const baselinePath = join(REPOSITORY_ROOT, 'examples/harnesses/baseline.yaml');
    writeFileSync(
      join(dir, 'p.yaml'),
      `schemaVersion: harnessx.project/1\nname: p\nharness:\n  baseline: ${baselinePath}\nmodels:\n  worker:\n    provider: simulated\n    model: harnessx-sim-other\n`,
    );
    const loaded = await loadFoundryProjectFiles(join(dir, 'p.yaml'));
    expect(JSON.parse(loaded.baselineJson).models.worker).toEqual(
      JSON.parse(loaded.projectJson).models.worker,
    );
  });

  it('fail with an InputError for a bad project file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'harnessx-project-'));
    writeFileSync(join(dir, 'bad.yaml'), 'schemaVersion: harnessx.project/1\nname: Bad Name\n');
    await expect(loadFoundryProjectFiles(join(dir, 'bad.yaml'))).rejects.toBeInstanceOf(InputError);
  });
});

describe('QuickJS layer manifest', () => {
  it('ships quickjs-emscripten with every package it depends on', () => {
    const names = packageClosure(['quickjs-emscripten'], REPOSITORY_ROOT).map((p) => p.name);
    expect(names).toEqual([
      '@jitl/quickjs-ffi-types',
      '@jitl/quickjs-wasmfile-debug-asyncify',
      '@jitl/quickjs-wasmfile-debug-sync',
      '@jitl/quickjs-wasmfile-release-asyncify',
      '@jitl/quickjs-wasmfile-release-sync',
      'quickjs-emscripten',
      'quickjs-emscripten-core',
    ]);
    expect(quickJsLayerPackages(REPOSITORY_ROOT).map((p) => p.name)).toEqual(names);
  });

  it('refuses a pinned version that is not the installed one', () => {
    const root = mkdtempSync(join(tmpdir(), 'harnessx-layer-'));
    mkdirSync(join(root, 'layers/quickjs-sandbox'), { recursive: true });
    symlinkSync(join(REPOSITORY_ROOT, 'node_modules'), join(root, 'node_modules'));
    writeFileSync(
      join(root, 'layers/quickjs-sandbox/package.json'),
      JSON.stringify({ dependencies: { 'quickjs-emscripten': '0.0.1' } }),
    );
    const error = errorOf(() => quickJsLayerPackages(root));
    expect(error).toBeInstanceOf(SystemError);
    expect((error as SystemError).message).toMatch(
      /pins quickjs-emscripten@0\.0\.1 but 0\.32\.0 is installed/,
    );
  });

  it('refuses a package that is not installed', () => {
    const error = errorOf(() => packageClosure(['no-such-package-hx'], tmpdir()));
    expect((error as SystemError).code).toBe('INFRA_PACKAGE_MISSING');
  });
});
