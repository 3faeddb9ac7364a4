/**
 * The `python` training mode runs the real trainer script in a child process. Needs torch for
 * /usr/bin/python3 (Debian's python3-torch; .ci/run installs it before the tests); where it is
 * missing the test says so and skips.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SystemError } from '../errors.ts';
import { runLocalTrainer } from './local-trainer.ts';

const PYTHON = process.env.HARNESSX_CI_PYTHON ?? '/usr/bin/python3';
const TRAINING = join(import.meta.dirname, '../../../training');
const SMALL = join(TRAINING, 'tests/fixtures/xgrpo-small');
const torchMissing = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status !== 0;
if (torchMissing) console.warn(`local-trainer tests skipped: torch is not importable by ${PYTHON}`);

describe.skipIf(torchMissing)('the local python trainer (tiny backend, CPU)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hx-local-trainer-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs training/train.py on a GRPO dataset and returns its report, with step lines as progress', async () => {
    const lines: string[] = [];
    const report = await runLocalTrainer({
      python: PYTHON,
      trainingDir: TRAINING,
      trainDir: SMALL,
      outputDir: join(dir, 'model'),
      checkpointDir: join(dir, 'checkpoints'),
      modelBackend: 'tiny',
      onLine: (line) => lines.push(line),
    });
    expect(report.training.steps_done).toBeGreaterThan(0);
    expect(report.adapter_files.length).toBeGreaterThan(0);
    expect(lines.some((line) => /^step=\d+ loss=/.test(line))).toBe(true);
    const written = JSON.parse(await readFile(join(dir, 'model', 'report.json'), 'utf8'));
    expect(written.backend).toBe('tiny');
  }, 120_000);

  it("fails with the trainer's one-line reason when the configuration is refused", async () => {
    const error = await runLocalTrainer({
      python: PYTHON,
      trainingDir: TRAINING,
      trainDir: SMALL,
      outputDir: join(dir, 'model'),
      checkpointDir: join(dir, 'checkpoints'),
      modelBackend: 'tiny',
      trainerConfig: { no_such_knob: 1 },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SystemError);
    expect((error as Error).message).toMatch(/exited with [1-9].*no_such_knob/);
  }, 120_000);
});
