import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError, SystemError } from '../../errors.ts';
import { describeArtifactStoreContract } from '../contract-tests/index.ts';
import { TEMPORARY_FILE_PREFIX } from './atomic-file.ts';
import { createFilesystemArtifactStore, DEFAULT_STORE_ROOT } from './filesystem-artifact-store.ts';

async function temporaryFolder(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'harnessx-fs-store-'));
}

describeArtifactStoreContract('filesystem', async () => {
  const parent = await temporaryFolder();
  // The store lives one level down so the contract's "writes nothing outside" is checkable here too.
  return {
    store: createFilesystemArtifactStore(join(parent, 'store')),
    dispose: () => rm(parent, { recursive: true, force: true }),
  };
});

describe('createFilesystemArtifactStore', () => {
  let parent = '';
  let root = '';

  beforeEach(async () => {
    parent = await temporaryFolder();
    root = join(parent, 'store');
  });
  afterEach(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  it('maps keys to files under the root and creates nothing until the first write', async () => {
    const store = createFilesystemArtifactStore(root);
    expect(await store.list('')).toEqual([]);
    await expect(readdir(parent)).resolves.toEqual([]);
    await store.put('cycles/c1/state.json', '{"ok":true}');
    expect(await readdir(join(root, 'cycles', 'c1'))).toEqual(['state.json']);
  });

  it('never touches the parent folder for a traversal key', async () => {
    const store = createFilesystemArtifactStore(root);
    await store.put('inside.json', 'x');
    for (const key of ['../outside.json', 'a/../../outside.json', '/tmp/outside.json']) {
      await expect(store.put(key, 'x')).rejects.toBeInstanceOf(InputError);
    }
    expect((await readdir(parent)).sort()).toEqual(['store']);
  });

  it('names the key and the root in the InputError', async () => {
    const store = createFilesystemArtifactStore(root);
    const error = (await store.get('cycles/../x').catch((caught: unknown) => caught)) as InputError;
    expect(error.code).toBe('STORE_KEY_INVALID');
    expect(error.source).toContain(root);
    expect(error.issues[0]).toMatchObject({ path: 'key' });
    expect(error.message).toContain('"cycles/../x"');
  });

  it('refuses the reserved temporary prefix and segments over 255 bytes', async () => {
    const store = createFilesystemArtifactStore(root);
    await expect(store.put(`a/${TEMPORARY_FILE_PREFIX}x`, 'x')).rejects.toBeInstanceOf(InputError);
    await expect(store.put(`a/${'s'.repeat(256)}`, 'x')).rejects.toBeInstanceOf(InputError);
    await expect(store.put(`a/${'s'.repeat(255)}`, 'x')).resolves.toBeUndefined();
  });

  it('leaves no temporary files behind and skips stray ones from a crash when listing', async () => {
    const store = createFilesystemArtifactStore(root);
    await store.put('cycles/c1/a.json', 'a');
    await store.putImmutable('cycles/c1/b.json', 'b');
    await store.putImmutable('cycles/c1/b.json', 'b');
    await store.putImmutable('cycles/c1/b.json', 'different').catch(() => undefined);
    expect((await readdir(join(root, 'cycles', 'c1'))).sort()).toEqual(['a.json', 'b.json']);
    await writeFile(join(root, 'cycles', 'c1', `${TEMPORARY_FILE_PREFIX}left-by-a-crash`), 'partial');
    expect(await store.list('cycles/')).toEqual(['cycles/c1/a.json', 'cycles/c1/b.json']);
  });

  it('reports a key that collides with a folder of other keys as a SystemError', async () => {
    const store = createFilesystemArtifactStore(root);
    await store.put('cycles/c1/state.json', 'x');
    const overFolder = await store.put('cycles/c1', 'x').catch((caught: unknown) => caught);
    expect(overFolder).toBeInstanceOf(SystemError);
    expect((overFolder as SystemError).code).toBe('STORE_KEY_CONFLICT');
    const underFile = await store
      .putImmutable('cycles/c1/state.json/inner', 'x')
      .catch((caught: unknown) => caught);
    expect((underFile as SystemError).code).toBe('STORE_KEY_CONFLICT');
    const immutableOverFolder = await store.putImmutable('cycles', 'x').catch((caught: unknown) => caught);
    expect((immutableOverFolder as SystemError).code).toBe('STORE_KEY_CONFLICT');
  });

  it('sees objects written by another instance over the same root', async () => {
    const writer = createFilesystemArtifactStore(root);
    const reader = createFilesystemArtifactStore(root);
    expect(await writer.putImmutable('harnesses/h/versions/v/harness.json', '{}')).toBe('created');
    expect(await reader.putImmutable('harnesses/h/versions/v/harness.json', '{}')).toBe('exists');
    expect(await reader.list('harnesses/')).toEqual(['harnesses/h/versions/v/harness.json']);
  });

  it('ignores folders and non-files where a key would be', async () => {
    const store = createFilesystemArtifactStore(root);
    await mkdir(join(root, 'plans', 'c1', 'plan.json'), { recursive: true });
    expect(await store.get('plans/c1/plan.json')).toBeUndefined();
    expect(await store.list('plans/')).toEqual([]);
  });

  it('defaults its root to .harnessx/store under the working folder', async () => {
    const error = (await createFilesystemArtifactStore()
      .get('../x')
      .catch((caught: unknown) => caught)) as InputError;
    expect(DEFAULT_STORE_ROOT).toBe('.harnessx/store');
    expect(error.source).toBe(`filesystem artifact store ${join(process.cwd(), '.harnessx', 'store')}`);
  });
});
