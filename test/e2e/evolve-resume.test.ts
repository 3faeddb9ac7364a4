/**
 * A cycle killed at any point resumes from its stored state without repeating finished work: the
 * real `harnessx evolve` process is SIGKILLed in the middle of the evaluate stage, then run again.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'harness-core', 'bin', 'harnessx.js');

function start(
  out: string,
  fresh: boolean,
): { child: ChildProcess; output: () => string; done: Promise<number | null> } {
  const args = [
    bin,
    'evolve',
    '--project',
    'examples/projects/household.yaml',
    '--cycles',
    '1',
    '--out',
    out,
  ];
  if (fresh) args.push('--fresh');
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (chunk) => {
    text += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    text += String(chunk);
  });
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => text, done };
}

describe('evolve resumes a killed cycle', () => {
  it('picks up at the unfinished stage and does not redo finished work', async () => {
    const out = await mkdtemp(join(tmpdir(), 'harnessx-resume-'));
    const first = start(out, true);
    // Kill once the first candidate is evaluated and the second is under way.
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (/household-c001-k2 adaptation: \d+\/\d+/.test(first.output())) {
          clearInterval(timer);
          first.child.kill('SIGKILL');
          resolve();
        }
      }, 20);
      first.done.then(() => {
        clearInterval(timer);
        reject(new Error(`evolve ended before it could be killed:\n${first.output()}`));
      });
    });
    await first.done;
    expect(first.output()).toMatch(/household-c001-k1 evaluated/);
    const state = JSON.parse(
      await readFile(join(out, 'foundry/household/store/cycles/household-c001/state.json'), 'utf8'),
    );
    expect(state.stage).toBe('evaluate');

    const second = start(out, false);
    const code = await second.done;
    const log = second.output();
    expect(code, log).toBe(0);
    for (const stage of ['baseline', 'digest', 'plan', 'evolve'])
      expect(log).not.toContain(`[household-c001] ${stage}...`);
    expect(log).toContain('[household-c001] evaluate...');
    expect(log).not.toContain('household-c001-k1 evaluated');
    expect(log).toContain('household-c001-k2 evaluated');
    const finished = JSON.parse(
      await readFile(join(out, 'foundry/household/store/cycles/household-c001/state.json'), 'utf8'),
    );
    expect(finished.stage).toBe('done');
  }, 300_000);
});
