/**
 * The README's commands as a new user runs them: the real `harnessx` bin in a child process, on
 * the embedded default (simulated worker), writing into a temporary output folder.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'harness-core', 'bin', 'harnessx.js');

async function harnessx(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

describe('harnessx CLI (end to end)', () => {
  let out: string;
  let runResult: Awaited<ReturnType<typeof harnessx>>;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'harnessx-e2e-'));
    runResult = await harnessx([
      'run',
      '--harness',
      'examples/harnesses/tuned.yaml',
      '--suite',
      'household',
      '--split',
      'heldout',
      '--k',
      '1',
      '--json',
      '--out',
      out,
    ]);
  });

  it('run --json prints exactly one JSON object with the documented fields', () => {
    expect(runResult.code, runResult.stderr).toBe(0);
    const lines = runResult.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const summary = JSON.parse(lines[0]!);
    expect(Object.keys(summary).sort()).toEqual(
      ['harness', 'k', 'meanReward', 'split', 'successRate', 'suite', 'tasks', 'tokens'].sort(),
    );
    expect(summary.harness.contentId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(summary.successRate).toBeGreaterThanOrEqual(0);
    expect(summary.successRate).toBeLessThanOrEqual(1);
    expect(summary.tasks).toBeGreaterThanOrEqual(18);
    expect(runResult.stderr).toMatch(/SIMULATED/);
  });

  it('writes traces that trace inspect reads back, and a report.html', async () => {
    const traces = await readdir(join(out, 'traces'));
    expect(traces).toHaveLength(1);
    const inspected = await harnessx(['trace', 'inspect', join(out, 'traces', traces[0]!), '--json']);
    expect(inspected.code, inspected.stderr).toBe(0);
    const report = JSON.parse(inspected.stdout);
    const summary = JSON.parse(runResult.stdout);
    expect(report.episodes).toBe(summary.tasks);
    expect(report.tokens.input).toBe(summary.tokens.input);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|https?:\/\/(?!harnessx)/);
  });

  it('trace inspect exits non-zero with a clear error on an unreadable file', async () => {
    const bad = join(out, 'not-a-trace.json');
    await writeFile(bad, 'this is not json');
    const result = await harnessx(['trace', 'inspect', bad]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('not-a-trace.json');
  });

  it('rejects bad flags with exit code 2 naming the flag', async () => {
    const result = await harnessx(['run', '--harness', 'examples/harnesses/tuned.yaml', '--k', 'many']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--k');
    const missing = await harnessx(['run', '--harness', 'no/such/file.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no/such/file.yaml');
  });

  it('evolve --json prints exactly one object with the documented fields and writes report.html', async () => {
    const evolveOut = await mkdtemp(join(tmpdir(), 'harnessx-e2e-evolve-'));
    const result = await harnessx([
      'evolve',
      '--project',
      'examples/projects/household.yaml',
      '--cycles',
      '1',
      '--json',
      '--fresh',
      '--out',
      evolveOut,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const summary = JSON.parse(lines[0]!);
    expect(Object.keys(summary).sort()).toEqual([
      'accepted',
      'baseline',
      'cycles',
      'final',
      'rejected',
      'tokens',
    ]);
    expect(Object.keys(summary.baseline).sort()).toEqual(['adaptation', 'heldout']);
    expect(summary.final.contentId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(summary.cycles).toBe(1);
    for (const rejection of summary.rejected) expect(rejection.reasons.length).toBeGreaterThan(0);
    expect(result.stderr).toMatch(/\[household-c001\] gate/);
    expect(await readFile(join(evolveOut, 'report.html'), 'utf8')).toContain('id="score-chart"');
  }, 300_000);

  it('schema harness prints a JSON Schema', async () => {
    const result = await harnessx(['schema', 'harness']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).title).toBe('harnessx.harness/1');
  });
});
