/** The trainer archive: what goes in, that tar reads it back byte for byte, and that its hash follows the code. */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemError } from '@harnessx/core';
import { afterAll, describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from '../lib/repository-root.ts';
import { packTrainer } from '../lib/trainer-package.ts';

const scratch = mkdtempSync(join(tmpdir(), 'harnessx-trainer-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A trainer folder with the clutter a working copy has: tests, byte code, caches. */
function trainerFixture(name: string): string {
  const dir = join(scratch, name);
  mkdirSync(join(dir, 'harnessx_trainer', '__pycache__'), { recursive: true });
  mkdirSync(join(dir, 'harnessx_trainer', 'sub'), { recursive: true });
  mkdirSync(join(dir, 'tests'), { recursive: true });
  writeFileSync(join(dir, 'train.py'), 'from harnessx_trainer.entry import main\nmain()\n');
  writeFileSync(join(dir, 'harnessx_trainer', '__init__.py'), '');
  writeFileSync(join(dir, 'harnessx_trainer', 'loss.py'), `# ${'x'.repeat(700)}\n`);
  writeFileSync(join(dir, 'harnessx_trainer', 'sub', 'deep.py'), 'VALUE = 1\n');
  writeFileSync(join(dir, 'harnessx_trainer', '__pycache__', 'loss.cpython-311.pyc'), 'bytecode');
  writeFileSync(join(dir, 'harnessx_trainer', 'stale.pyc'), 'bytecode');
  writeFileSync(join(dir, 'tests', 'test_loss.py'), 'def test(): pass\n');
  writeFileSync(join(dir, 'README.md'), '# not shipped\n');
  return dir;
}

function extract(tarGz: Buffer, name: string): string {
  const archive = join(scratch, `${name}.tar.gz`);
  const into = join(scratch, `${name}-extracted`);
  mkdirSync(into, { recursive: true });
  writeFileSync(archive, tarGz);
  execFileSync('tar', ['-xzf', archive, '-C', into]);
  return into;
}

describe('packTrainer', () => {
  it('ships train.py and the package only, which tar extracts byte for byte', () => {
    const dir = trainerFixture('a');
    const trainer = packTrainer(dir);
    expect(trainer.files).toEqual([
      'harnessx_trainer/__init__.py',
      'harnessx_trainer/loss.py',
      'harnessx_trainer/sub/deep.py',
      'train.py',
    ]);
    const listed = execFileSync('tar', ['-tzf', '-'], { input: trainer.tarGz, encoding: 'utf8' });
    expect(listed.trim().split('\n').sort()).toEqual(trainer.files);
    const into = extract(trainer.tarGz, 'a');
    for (const file of trainer.files) {
      expect(readFileSync(join(into, file)), file).toEqual(readFileSync(join(dir, file)));
    }
  });

  it('includes requirements.txt when there is one (the training toolkit installs it)', () => {
    const dir = trainerFixture('b');
    writeFileSync(join(dir, 'requirements.txt'), 'peft==0.14.0\n');
    expect(packTrainer(dir).files).toContain('requirements.txt');
  });

  it('gives the same bytes for the same sources and a new hash when a file changes', () => {
    const dir = trainerFixture('c');
    const first = packTrainer(dir);
    const copy = join(scratch, 'c-copy');
    cpSync(dir, copy, { recursive: true });
    const again = packTrainer(copy);
    expect(again.tarGz.equals(first.tarGz)).toBe(true);
    expect(again.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(again.hash).toBe(first.hash);
    writeFileSync(join(copy, 'harnessx_trainer', 'sub', 'deep.py'), 'VALUE = 2\n');
    expect(packTrainer(copy).hash).not.toBe(first.hash);
    // Clutter does not count.
    writeFileSync(join(dir, 'tests', 'test_more.py'), 'x = 1\n');
    expect(packTrainer(dir).hash).toBe(first.hash);
  });

  it('refuses a folder without the entry point or the package', () => {
    const dir = join(scratch, 'empty');
    mkdirSync(dir);
    expect(() => packTrainer(dir)).toThrow(SystemError);
    expect(() => packTrainer(dir)).toThrow(/expected train\.py and harnessx_trainer\//);
  });

  it("packs the repository's trainer without its tests", () => {
    const trainer = packTrainer(join(REPOSITORY_ROOT, 'training'));
    expect(trainer.files).toContain('train.py');
    expect(trainer.files).toContain('harnessx_trainer/loss.py');
    expect(trainer.files.filter((f) => !f.startsWith('harnessx_trainer/') && f !== 'train.py')).toEqual(
      trainer.files.includes('requirements.txt') ? ['requirements.txt'] : [],
    );
    expect(trainer.files.some((f) => f.includes('tests/') || f.includes('__pycache__'))).toBe(false);
  });
});
