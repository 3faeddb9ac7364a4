/** `harnessx train`: the refusals a user meets before any training starts (clear reasons, exit 2). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../harness-core/src/cli/main.ts';
import { captureIo } from '../support/capture-io.ts';

const project = join(import.meta.dirname, '..', '..', 'examples/projects/household.yaml');

describe('harnessx train', () => {
  it('refuses the hf backend without the folder of weights it would fine-tune', async () => {
    const io = captureIo();
    expect(await main(['train', '--project', project, '--backend', 'hf'], io)).toBe(2);
    expect(io.err()).toContain('--model-dir');
  });

  it('refuses to train before any evolve run wrote GRPO groups, saying what to run', async () => {
    const out = await mkdtemp(join(tmpdir(), 'hx-train-'));
    try {
      const io = captureIo();
      expect(await main(['train', '--project', project, '--backend', 'tiny', '--out', out], io)).toBe(2);
      expect(io.err()).toMatch(
        /no GRPO groups of simulated:harnessx-sim-small yet: run harnessx evolve first/,
      );
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
