import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManualTestClock } from '../contract-tests/index.ts';
import { createEmbeddedFoundry, DEFAULT_FOUNDRY_ROOT } from './embedded-foundry.ts';

describe('createEmbeddedFoundry', () => {
  let folder = '';

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'harnessx-embedded-foundry-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('roots the store at <root>/store and the registry at <root>/registry.json, lazily', async () => {
    const root = join(folder, '.harnessx');
    const clock = createManualTestClock(new Date('2026-05-06T07:08:09.000Z'));
    const foundry = createEmbeddedFoundry(root, { clock });
    expect(foundry.root).toBe(root);
    expect(await readdir(folder)).toEqual([]);

    await foundry.store.put('cycles/c1/state.json', '{}');
    await foundry.registry.compareAndSetCurrent('household', undefined, 'sha256:a');

    expect((await readdir(root)).sort()).toEqual(['registry.json', 'store']);
    expect(await readFile(join(root, 'store', 'cycles', 'c1', 'state.json'), 'utf8')).toBe('{}');
    expect(JSON.parse(await readFile(join(root, 'registry.json'), 'utf8')).current.household).toEqual({
      contentId: 'sha256:a',
      version: 1,
      updatedAt: '2026-05-06T07:08:09.000Z',
    });
  });

  it('shares state between two foundries over the same root', async () => {
    const first = createEmbeddedFoundry(folder);
    const second = createEmbeddedFoundry(folder);
    await first.store.putImmutable('harnesses/h/versions/v/harness.json', '{}');
    expect(await second.store.putImmutable('harnesses/h/versions/v/harness.json', '{}')).toBe('exists');
    await first.registry.increment('fan-in');
    expect(await second.registry.increment('fan-in')).toBe(2);
  });

  it('defaults to .harnessx, as the CLI uses', () => {
    expect(DEFAULT_FOUNDRY_ROOT).toBe('.harnessx');
    expect(createEmbeddedFoundry().root).toBe(join(process.cwd(), '.harnessx'));
  });
});
