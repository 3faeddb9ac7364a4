/**
 * Runs .ci/run in a throwaway copy of the repository with test doubles for npm and python on PATH,
 * so that its counting and exit status are checked without a real install or test run.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeTree, type FakeTree } from './fake-tree.ts';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Stands in for npm: `ci` and `test` behave as the FAKE_* variables say; `test` writes vitest JSON. */
const fakeNpm = `#!/usr/bin/env bash
case "$1" in
  --version) echo 11.0.0-fake ;;
  ci) echo "fake npm ci"; exit "\${FAKE_NPM_CI_STATUS:-0}" ;;
  test)
    out=""
    for arg in "$@"; do case "$arg" in --outputFile=*) out="\${arg#--outputFile=}" ;; esac; done
    printf '\\n> test\\n> npm run lint && npm run typecheck && vitest run\\n\\n> lint\\n> biome check .\\n'
    if [ -n "\${FAKE_FAIL_STEP:-}" ] && [ "$FAKE_FAIL_STEP" = lint ]; then echo "lint failed"; exit 1; fi
    printf '\\n> typecheck\\n> tsc -p tsconfig.json --noEmit\\n'
    if [ -n "\${FAKE_FAIL_STEP:-}" ] && [ "$FAKE_FAIL_STEP" = typecheck ]; then echo "type error"; exit 2; fi
    printf '\\n\\033[1m\\033[46m RUN \\033[49m\\033[22m \\033[36mv4.1.12 \\033[39m/repo\\n'
    if [ -n "\${FAKE_VITEST_JSON:-}" ] && [ -n "$out" ]; then printf '%s' "$FAKE_VITEST_JSON" > "$out"; fi
    exit "\${FAKE_TEST_STATUS:-0}" ;;
  run)
    if [ "$2" = synth ]; then echo "fake cdk synth"; exit "\${FAKE_SYNTH_STATUS:-0}"; fi
    echo "fake npm: unexpected $*" >&2; exit 9 ;;
  *) echo "fake npm: unexpected $*" >&2; exit 9 ;;
esac
`;

/** Stands in for /usr/bin/python3: torch importable unless FAKE_TORCH_STATUS says otherwise, no pytest. */
const fakePython = `#!/usr/bin/env bash
if [ "$1" = --version ]; then echo "Python 3.11.2 (fake)"; exit 0; fi
if [ "$1" = -c ]; then case "$2" in *torch*) exit "\${FAKE_TORCH_STATUS:-0}" ;; *) exit 1 ;; esac; fi
if [ "$1" = -m ] && [ "$2" = unittest ]; then printf '%s' "$FAKE_UNITTEST_OUTPUT" >&2; exit "\${FAKE_UNITTEST_STATUS:-0}"; fi
echo "fake python: unexpected $*" >&2
exit 9
`;

const vitestJson = (passed: number, failed: number) =>
  JSON.stringify({ numTotalTests: passed + failed, numPassedTests: passed, numFailedTests: failed });

describe('.ci/run', () => {
  let tree: FakeTree;
  beforeEach(() => {
    tree = createFakeTree('harnessx-ci-run-');
    mkdirSync(path.join(tree.root, '.ci'));
    mkdirSync(path.join(tree.root, 'scripts'));
    copyFileSync(path.join(repositoryRoot, '.ci/run'), path.join(tree.root, '.ci/run'));
    copyFileSync(
      path.join(repositoryRoot, 'scripts/ci-counts.mjs'),
      path.join(tree.root, 'scripts/ci-counts.mjs'),
    );
    tree.write({ 'bin/npm': fakeNpm, 'bin/python3': fakePython });
    chmodSync(path.join(tree.root, 'bin/npm'), 0o755);
    chmodSync(path.join(tree.root, 'bin/python3'), 0o755);
  });
  afterEach(() => tree.remove());

  const runCi = (env: Record<string, string>) => {
    const result = spawnSync('bash', [path.join(tree.root, '.ci/run')], {
      encoding: 'utf8',
      env: {
        PATH: [path.join(tree.root, 'bin'), path.dirname(process.execPath), '/usr/bin', '/bin'].join(':'),
        HOME: tree.root,
        HARNESSX_CI_PYTHON: path.join(tree.root, 'bin/python3'),
        ...env,
      },
    });
    const lines = result.stdout.trimEnd().split('\n');
    return { status: result.status, output: result.stdout + result.stderr, lastLine: lines.at(-1) };
  };

  it('is executable', () => {
    expect(statSync(path.join(repositoryRoot, '.ci/run')).mode & 0o111).not.toBe(0);
  });

  it('ends with the vitest counts and exit 0 when everything passed', () => {
    const run = runCi({ FAKE_VITEST_JSON: vitestJson(7, 0) });
    // 7 vitest tests and the offline cdk synth.
    expect(run.lastLine).toBe('8 passed, 0 failed');
    expect(run.status).toBe(0);
    expect(run.output).toContain('python: no trainer tests yet (training/tests absent)');
    expect(run.output).toContain('npm 11.0.0-fake');
    expect(
      JSON.parse(readFileSync(path.join(tree.root, '.ci/vitest-results.json'), 'utf8')).numPassedTests,
    ).toBe(7);
  });

  it('counts failed tests and exits non-zero', () => {
    const run = runCi({ FAKE_VITEST_JSON: vitestJson(5, 2), FAKE_TEST_STATUS: '1' });
    expect(run.lastLine).toBe('6 passed, 2 failed');
    expect(run.status).toBe(1);
  });

  it('counts 1 failed, naming the step, when lint or typecheck stops npm test before vitest', () => {
    const lint = runCi({ FAKE_FAIL_STEP: 'lint' });
    expect(lint.lastLine).toBe('1 passed, 1 failed');
    expect(lint.status).toBe(1);
    expect(lint.output).toContain("npm test failed in 'lint'");
    const typecheck = runCi({ FAKE_FAIL_STEP: 'typecheck' });
    expect(typecheck.lastLine).toBe('1 passed, 1 failed');
    expect(typecheck.output).toContain("npm test failed in 'typecheck'");
  });

  it('counts 1 failed, naming vitest, when vitest stops without writing its results', () => {
    const run = runCi({ FAKE_TEST_STATUS: '1' });
    expect(run.lastLine).toBe('1 passed, 1 failed');
    expect(run.output).toContain("npm test failed in 'vitest'");
  });

  it('counts 1 failed when vitest fails without a failed test (a file that does not load)', () => {
    const run = runCi({ FAKE_VITEST_JSON: vitestJson(4, 0), FAKE_TEST_STATUS: '1' });
    expect(run.lastLine).toBe('5 passed, 1 failed');
    expect(run.status).toBe(1);
  });

  it('counts the offline cdk synth as one check, failed when synthesis fails', () => {
    const passing = runCi({ FAKE_VITEST_JSON: vitestJson(7, 0) });
    expect(passing.output).toMatch(/cdk synth: ok in \d+ s/);
    const failing = runCi({ FAKE_VITEST_JSON: vitestJson(7, 0), FAKE_SYNTH_STATUS: '1' });
    expect(failing.output).toContain('ci: cdk synth failed: counting 1 failed');
    expect(failing.lastLine).toBe('7 passed, 1 failed');
    expect(failing.status).toBe(1);
  });

  it('stops with 1 failed when npm ci fails', () => {
    const run = runCi({ FAKE_NPM_CI_STATUS: '1', FAKE_VITEST_JSON: vitestJson(9, 0) });
    expect(run.lastLine).toBe('0 passed, 1 failed');
    expect(run.status).toBe(1);
    expect(run.output).not.toContain('> typecheck');
  });

  it('adds the trainer tests when training/tests exists (unittest without pytest)', () => {
    tree.write({ 'training/tests/test_loss.py': '' });
    const run = runCi({
      FAKE_VITEST_JSON: vitestJson(3, 0),
      FAKE_UNITTEST_OUTPUT: 'test_a ... ok\ntest_b ... FAIL\n\nRan 3 tests in 0.2s\n\nFAILED (failures=1)\n',
      FAKE_UNITTEST_STATUS: '1',
    });
    expect(run.lastLine).toBe('6 passed, 1 failed');
    expect(run.status).toBe(1);
  });

  it('skips the trainer tests with a reason when torch is missing and apt cannot install it', () => {
    tree.write({ 'training/tests/test_loss.py': '' });
    const run = runCi({ FAKE_VITEST_JSON: vitestJson(3, 0), FAKE_TORCH_STATUS: '1' });
    expect(run.output).toMatch(/python: skipped trainer tests \(torch is not importable/);
    expect(run.lastLine).toBe('4 passed, 0 failed');
    expect(run.status).toBe(0);
  });
});
