import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  checkArchitecture,
  formatViolation,
  runArchitectureCheck,
} from '../../scripts/check-architecture.mjs';
import { createFakeTree, type FakeTree, linesOfCode } from './fake-tree.ts';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const scriptPath = path.join(repositoryRoot, 'scripts/check-architecture.mjs');

/** A small tree that follows every rule, including the allowed exceptions. */
const cleanTree: Record<string, string> = {
  'harness-core/package.json': JSON.stringify({
    name: '@harnessx/core',
    exports: {
      '.': './src/index.ts',
      './testing': './src/testing/index.ts',
      './aws': './src/adapters/aws/index.ts',
    },
  }),
  'harness-core/src/index.ts': "export * from './runtime/run.ts';\nexport * from './harness/spec.ts';\n",
  'harness-core/src/errors.ts': 'export class HarnessError extends Error {}\n',
  'harness-core/src/random.ts':
    "import { HarnessError } from './errors.ts';\nexport const seed = HarnessError;\n",
  'harness-core/src/harness/spec.ts': [
    "import { HarnessError } from '../errors.ts';",
    "import type { Runner } from '../runtime/run.ts';",
    "export type { Gate } from '../aegis/gate/decide.ts';",
    "export type Loaded = typeof import('../runtime/run.ts');",
    '// import { run } from "../runtime/run.ts";',
    "const example = `import { run } from '../runtime/run.ts';`;",
    'export const spec = { HarnessError, example } as unknown as Runner;',
    '',
  ].join('\n'),
  'harness-core/src/runtime/run.ts':
    "import { spec } from '../harness/spec.ts';\nexport type Runner = unknown;\nexport const run = () => spec;\n",
  'harness-core/src/aegis/gate/decide.ts':
    "import type { Trajectory } from '../../trace/trajectory.ts';\nimport { run } from '../../runtime/run.ts';\nexport type Gate = Trajectory;\nexport const decide = run;\n",
  'harness-core/src/trace/trajectory.ts': 'export type Trajectory = { id: string };\n',
  'harness-core/src/providers/model.ts': 'export const estimateTokens = (text: string) => text.length / 4;\n',
  'harness-core/src/environments/environment.ts': 'export const suites = [];\n',
  'harness-core/src/testing/index.ts':
    "import { estimateTokens } from '../providers/model.ts';\nimport { suites } from '../environments/environment.ts';\nimport type { Runner } from '../runtime/run.ts';\nexport const double = [estimateTokens, suites] as unknown as Runner;\n",
  'harness-core/src/adapters/aws/index.ts':
    "import { S3Client } from '@aws-sdk/client-s3';\nimport middy from '@middy/core';\nexport const aws = [S3Client, middy];\n",
  'harness-core/src/runtime/run.test.ts':
    "import { decide } from '../aegis/gate/decide.ts';\nimport { double } from '../testing/index.ts';\nexport const all = [decide, double];\n",
  'harness-core/src/aegis/gate/decide.test.ts':
    "import { estimateTokens } from '../../providers/model.ts';\nexport const tokens = estimateTokens;\n",
  'functions/digest/handler.ts':
    "import middy from '@middy/core';\nimport { run } from '@harnessx/core';\nimport { aws } from '@harnessx/core/aws';\nimport { shared } from '../shared/wire.ts';\nexport const handler = middy([run, aws, shared]);\n",
  'functions/shared/wire.ts': 'export const shared = 1;\n',
  'functions/digest/handler.test.ts':
    "import { double } from '@harnessx/core/testing';\nexport const d = double;\n",
  'infra/lib/big.test.ts': linesOfCode(900),
  'bench/exactly-400.ts': linesOfCode(400),
  'scripts/line-budget-allowlist.json': JSON.stringify({ files: { 'infra/lib/legacy.ts': 450 } }, null, 2),
  'infra/lib/legacy.ts': linesOfCode(450),
};

describe('checkArchitecture on fake trees', () => {
  let tree: FakeTree;
  beforeEach(() => {
    tree = createFakeTree();
    tree.write(cleanTree);
  });
  afterEach(() => tree.remove());

  const rulesOf = () => checkArchitecture(tree.root).map((violation) => violation.rule);

  it('passes a tree that follows every rule, with the allowed exceptions', () => {
    const result = runArchitectureCheck(tree.root);
    expect(result.violations).toEqual([]);
    // 13 files under harness-core/src, 3 under functions/, 2 budgeted elsewhere; the 900-line test is not.
    expect(result.filesChecked).toBe(18);
  });

  it('flags the gate importing a provider, even type-only, and a model SDK', () => {
    tree.write({
      'harness-core/src/aegis/gate/judge.ts': [
        "import type { ModelV1 } from '../../providers/model.ts';",
        "import OpenAI from 'openai';",
        'export const judge = OpenAI as unknown as ModelV1;',
        '',
      ].join('\n'),
    });
    const violations = checkArchitecture(tree.root);
    expect(violations.map(formatViolation)).toEqual([
      expect.stringMatching(/^harness-core\/src\/aegis\/gate\/judge\.ts:1: gate-imports-provider: /),
      expect.stringMatching(
        /^harness-core\/src\/aegis\/gate\/judge\.ts:2: gate-imports-model-sdk: imports openai/,
      ),
    ]);
  });

  it('flags @aws-sdk, @middy and aws-lambda outside adapters/aws, type imports included', () => {
    tree.write({
      'harness-core/src/runtime/upload.ts':
        "import { S3Client } from '@aws-sdk/client-s3';\nimport type { SQSEvent } from 'aws-lambda';\nimport middy from '@middy/core';\nexport const x = [S3Client, middy] as unknown as SQSEvent;\n",
    });
    const violations = checkArchitecture(tree.root);
    expect(violations.map((violation) => [violation.line, violation.rule])).toEqual([
      [1, 'aws-sdk-outside-adapter'],
      [2, 'lambda-runtime-in-core'],
      [3, 'lambda-runtime-in-core'],
    ]);
  });

  it('flags an upward value import but not the same import written as `import type`', () => {
    tree.write({
      'harness-core/src/providers/openai.ts':
        "import type { Runner } from '../runtime/run.ts';\n\nimport {\n  run,\n} from '../runtime/run.ts';\nexport const x = run as Runner;\n",
    });
    const violations = checkArchitecture(tree.root);
    expect(violations).toHaveLength(1);
    expect(formatViolation(violations[0]!)).toMatch(
      /^harness-core\/src\/providers\/openai\.ts:3: layer-direction: providers value-imports runtime \(\.\.\/runtime\/run\.ts\)/,
    );
  });

  it('treats `import { type A }` as a value import, because the module is still loaded', () => {
    tree.write({
      'harness-core/src/trace/writer.ts':
        "import { type Runner } from '../runtime/run.ts';\nexport const x = 1 as unknown as Runner;\n",
    });
    const [violation] = checkArchitecture(tree.root);
    expect(violation?.rule).toBe('layer-direction');
    expect(violation?.message).toContain('write `import type`');
  });

  it('flags re-exports and dynamic imports upward, and a shared root file importing a layer', () => {
    tree.write({
      'harness-core/src/trace/index.ts': "export { run } from '../runtime/run.ts';\n",
      'harness-core/src/ports/load.ts': "export const load = () => import('../aegis/gate/decide.ts');\n",
      'harness-core/src/schema.ts': "import { spec } from './harness/spec.ts';\nexport const s = spec;\n",
    });
    const violations = checkArchitecture(tree.root);
    expect(violations.map((violation) => `${violation.file}:${violation.rule}`)).toEqual([
      'harness-core/src/ports/load.ts:layer-direction',
      'harness-core/src/schema.ts:layer-direction',
      'harness-core/src/trace/index.ts:layer-direction',
    ]);
  });

  it('allows testing/ to value-import providers and environments only', () => {
    tree.write({
      'harness-core/src/testing/harness-double.ts':
        "import { spec } from '../harness/spec.ts';\nexport const d = spec;\n",
    });
    expect(rulesOf()).toEqual(['layer-direction']);
  });

  it('flags a folder that is not in the module map', () => {
    tree.write({ 'harness-core/src/util/strings.ts': 'export const a = 1;\n' });
    expect(checkArchitecture(tree.root).map(formatViolation)).toEqual([
      "harness-core/src/util/strings.ts:1: module-map: folder util/ is not in DESIGN §2's module map",
    ]);
  });

  it('flags the root entry reaching adapters/aws through a chain of value imports', () => {
    tree.write({
      'harness-core/src/cli/stack.ts':
        "import { aws } from '../adapters/aws/index.ts';\nexport const stack = aws;\n",
      'harness-core/src/index.ts': "export * from './runtime/run.ts';\nexport * from './cli/stack.ts';\n",
    });
    const [violation, ...rest] = checkArchitecture(tree.root);
    expect(rest).toEqual([]);
    expect(violation).toMatchObject({
      file: 'harness-core/src/cli/stack.ts',
      line: 1,
      rule: 'entry-reaches-aws',
    });
    expect(violation?.message).toContain('index.ts -> cli/stack.ts -> adapters/aws/index.ts');
  });

  it('flags functions that import harness-core internals or the testing entry', () => {
    tree.write({
      'functions/plan/handler.ts': [
        "import { run } from '../../harness-core/src/runtime/run.ts';",
        "import { double } from '@harnessx/core/testing';",
        "import { spec } from '@harnessx/core/src/harness/spec.ts';",
        'export const handler = [run, double, spec];',
        '',
      ].join('\n'),
    });
    expect(checkArchitecture(tree.root).map((violation) => [violation.line, violation.rule])).toEqual([
      [1, 'functions-public-entries'],
      [2, 'functions-public-entries'],
      [3, 'functions-public-entries'],
    ]);
  });

  it('flags a 401-line source file but not a 400-line one or a long test', () => {
    tree.write({ 'harness-core/src/runtime/long.ts': linesOfCode(401) });
    expect(checkArchitecture(tree.root).map(formatViolation)).toEqual([
      'harness-core/src/runtime/long.ts:401: line-budget: 401 lines, over the 400-line budget: split it into smaller modules',
    ]);
  });

  it('checks the line budget in scripts/ and layers/ too', () => {
    tree.write({ 'scripts/tool.mjs': linesOfCode(410), 'layers/quickjs/index.ts': linesOfCode(401) });
    expect(checkArchitecture(tree.root).map((violation) => violation.file)).toEqual([
      'layers/quickjs/index.ts',
      'scripts/tool.mjs',
    ]);
  });

  it('flags an allowlist entry whose file is back under the budget, or gone', () => {
    tree.write({
      'infra/lib/legacy.ts': linesOfCode(380),
      'scripts/line-budget-allowlist.json': JSON.stringify(
        { files: { 'infra/lib/legacy.ts': 450, 'infra/lib/deleted.ts': 500 } },
        null,
        2,
      ),
    });
    expect(checkArchitecture(tree.root).map(formatViolation)).toEqual([
      'scripts/line-budget-allowlist.json:3: line-budget-allowlist: infra/lib/legacy.ts is now 380 lines, within the budget: remove it from the allowlist',
      'scripts/line-budget-allowlist.json:4: line-budget-allowlist: infra/lib/deleted.ts no longer exists: remove it from the allowlist',
    ]);
  });

  it('lets an allowlisted file neither grow nor shrink without its entry following', () => {
    tree.write({ 'infra/lib/legacy.ts': linesOfCode(451) });
    expect(rulesOf()).toEqual(['line-budget']);
    tree.write({ 'infra/lib/legacy.ts': linesOfCode(430) });
    expect(checkArchitecture(tree.root).map((violation) => violation.message)).toEqual([
      'infra/lib/legacy.ts shrank to 430 lines: lower its entry from 450 to 430',
    ]);
  });

  it('reports a malformed allowlist instead of crashing', () => {
    tree.write({ 'scripts/line-budget-allowlist.json': '{ "files": { "infra/lib/legacy.ts": "lots" } }' });
    expect(checkArchitecture(tree.root).map((violation) => violation.rule)).toEqual([
      'line-budget',
      'line-budget-allowlist',
    ]);
    tree.write({ 'scripts/line-budget-allowlist.json': '{ "files": ' });
    expect(checkArchitecture(tree.root)[1]?.message).toMatch(/^not valid JSON/);
  });

  it('exits 1 and prints file:line: rule: message from the command line', () => {
    tree.write({ 'harness-core/src/runtime/long.ts': linesOfCode(401) });
    const failing = spawnSync(process.execPath, [scriptPath, tree.root], { encoding: 'utf8' });
    expect(failing.status).toBe(1);
    expect(failing.stderr).toContain('harness-core/src/runtime/long.ts:401: line-budget: ');
    expect(failing.stderr.trim().split('\n').at(-1)).toMatch(/^architecture check: \d+ files, 1 violations$/);

    tree.write({ 'harness-core/src/runtime/long.ts': linesOfCode(10) });
    const passing = spawnSync(process.execPath, [scriptPath, tree.root], { encoding: 'utf8' });
    expect(passing.status).toBe(0);
    expect(passing.stdout.trim()).toMatch(/^architecture check: \d+ files, 0 violations$/);
  });
});

describe('checkArchitecture on this repository', () => {
  it('finds no violations', () => {
    expect(checkArchitecture(repositoryRoot).map(formatViolation)).toEqual([]);
  });
});
