import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemError } from '../errors.ts';
import { createSyntheticTrajectories } from './synthetic-trajectories.ts';
import { writeTraceFile } from './trace-file.ts';

describe('writeTraceFile', () => {
  let directory = '';
  const batch = createSyntheticTrajectories({ episodes: 2, turnsPerEpisode: 2 });

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'harnessx-trace-file-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('creates parent directories and leaves no temporary file behind', async () => {
    const path = join(directory, 'deep', 'er', 'run.otlp.json');
    const result = await writeTraceFile(path, batch);
    const text = await readFile(path, 'utf8');
    expect(result).toEqual({ path, bytes: Buffer.byteLength(text), episodes: 2 });
    expect(JSON.parse(text).resourceSpans[0].scopeSpans[0].spans).toHaveLength(2 + 2 * 4);
    expect(await readdir(join(directory, 'deep', 'er'))).toEqual(['run.otlp.json']);
  });

  it('gzips when the path ends in .gz or when asked, and not otherwise', async () => {
    const byExtension = join(directory, 'a.otlp.json.gz');
    const byOption = join(directory, 'b.otlp');
    const plain = join(directory, 'c.json.gz');
    await writeTraceFile(byExtension, batch);
    await writeTraceFile(byOption, batch, { gzip: true });
    await writeTraceFile(plain, batch, { gzip: false });
    for (const path of [byExtension, byOption]) {
      const bytes = await readFile(path);
      expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
      expect(JSON.parse(gunzipSync(bytes).toString('utf8'))).toHaveProperty('resourceSpans');
    }
    expect((await readFile(plain, 'utf8')).startsWith('{')).toBe(true);
  });

  it('replaces an existing file whole', async () => {
    const path = join(directory, 'replaced.otlp.json');
    await writeTraceFile(path, batch);
    await writeTraceFile(path, batch.slice(0, 1));
    expect(JSON.parse(await readFile(path, 'utf8')).resourceSpans[0].scopeSpans[0].spans).toHaveLength(5);
  });

  it('passes writer options through (here: no content)', async () => {
    const path = join(directory, 'metadata-only.otlp.json');
    await writeTraceFile(path, batch, { recordContent: false });
    expect(await readFile(path, 'utf8')).not.toContain('gen_ai.input.messages');
  });

  it('fails with SystemError and cleans up when the target cannot be written', async () => {
    const target = join(directory, 'occupied');
    await mkdir(join(target, 'child'), { recursive: true });
    await expect(writeTraceFile(target, batch)).rejects.toBeInstanceOf(SystemError);
    expect((await readdir(directory)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
