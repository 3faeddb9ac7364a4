/**
 * `harnessx evolve --coevolve` on the simulated worker: the harness-only run, then the same project,
 * seed and cycle budget with a simulated training round after every cycle. Co-evolution must reach
 * at least the harness-only held-out success, and the report must show both, with the training
 * backend named as a simulation.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../harness-core/src/cli/main.ts';
import { captureIo } from '../support/capture-io.ts';

const root = join(import.meta.dirname, '..', '..');

interface Scores {
  final: { adaptation: number; heldout: number };
  coevolved: { final: { adaptation: number; heldout: number }; rounds: number; cycles: number };
}

describe('harnessx evolve --coevolve (simulated worker, fixed seed)', () => {
  let out: string;
  let code: number;
  let scores: Scores;
  let report: string;
  let stderr: string;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'harnessx-coevolve-'));
    const io = captureIo();
    code = await main(
      [
        'evolve',
        '--project',
        join(root, 'examples/projects/household.yaml'),
        '--fresh',
        '--coevolve',
        '--json',
        '--out',
        out,
      ],
      io,
    );
    stderr = io.err();
    scores = JSON.parse(io.out()) as Scores;
    report = await readFile(join(out, 'report.html'), 'utf8');
  }, 600_000);

  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('co-evolved held-out success at least matches harness-only evolution on the same seed and budget', () => {
    expect(code).toBe(0);
    expect(scores.coevolved.rounds).toBeGreaterThanOrEqual(1);
    expect(scores.coevolved.final.heldout).toBeGreaterThanOrEqual(scores.final.heldout);
  });

  it('names the training backend a simulation, in the CLI and the report, with both runs side by side', () => {
    expect(stderr).toContain('simulated training rounds');
    expect(report).toContain('id="coevolution"');
    expect(report).toContain('a simulation of fine-tuning');
    expect(report).toContain('harness only');
    expect(report).toContain('harness + model (co-evolved)');
    expect(report).toMatch(/id="training-rounds".*sim-[0-9a-f]{16}/s);
  });
});
