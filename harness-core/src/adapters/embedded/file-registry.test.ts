import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError, SystemError, TransientError } from '../../errors.ts';
import { createManualTestClock, describeRegistryContract } from '../contract-tests/index.ts';
import { createFileRegistry, DEFAULT_REGISTRY_PATH } from './file-registry.ts';
import { REGISTRY_FILE_SCHEMA_VERSION, registryFileSchema } from './registry-file.ts';

const FILE_REGISTRY_MODULE = fileURLToPath(new URL('./file-registry.ts', import.meta.url));

async function temporaryFolder(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'harnessx-file-registry-'));
}

describeRegistryContract('file', async ({ clock }) => {
  const folder = await temporaryFolder();
  const path = join(folder, 'registry.json');
  return {
    registry: createFileRegistry(path, { clock }),
    openAnother: () => createFileRegistry(path, { clock }),
    childProcessOpener: { module: FILE_REGISTRY_MODULE, exportName: 'createFileRegistry', args: [path] },
    dispose: () => rm(folder, { recursive: true, force: true }),
  };
});

describe('createFileRegistry', () => {
  let folder = '';
  let path = '';

  beforeEach(async () => {
    folder = await temporaryFolder();
    path = join(folder, 'nested', 'registry.json');
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  const writeRegistryFile = async (value: unknown): Promise<void> => {
    const registry = createFileRegistry(path);
    await registry.increment('create-the-folder');
    await writeFile(path, typeof value === 'string' ? value : JSON.stringify(value));
  };

  const validFile = {
    schemaVersion: REGISTRY_FILE_SCHEMA_VERSION,
    current: { household: { contentId: 'sha256:a', version: 1, updatedAt: '2026-01-01T00:00:00.000Z' } },
    leases: {},
    counters: { 'fan-in': 3 },
    records: {},
  };

  it('writes a readable, schema-valid registry.json with sorted keys and no lock file left behind', async () => {
    const clock = createManualTestClock(new Date('2026-02-03T04:05:06.000Z'));
    const registry = createFileRegistry(path, { clock });
    await registry.increment('zeta');
    await registry.increment('alpha', 2);
    await registry.compareAndSetCurrent('household', undefined, 'sha256:a');
    await registry.acquireLease('cycle:household', 'host:1', 1_000);
    await registry.recordOnce('message:1', 'payload');
    const file = JSON.parse(await readFile(path, 'utf8'));
    expect(registryFileSchema.parse(file)).toEqual({
      schemaVersion: 'harnessx.registry/1',
      current: { household: { contentId: 'sha256:a', version: 1, updatedAt: '2026-02-03T04:05:06.000Z' } },
      leases: { 'cycle:household': { owner: 'host:1', expiresAt: '2026-02-03T04:05:07.000Z' } },
      counters: { alpha: 2, zeta: 1 },
      records: { 'message:1': { value: 'payload', recordedAt: '2026-02-03T04:05:06.000Z' } },
    });
    expect(Object.keys(file.counters)).toEqual(['alpha', 'zeta']);
    expect(await readdir(join(folder, 'nested'))).toEqual(['registry.json']);
  });

  it('reads a registry file written by hand', async () => {
    await writeRegistryFile(validFile);
    const registry = createFileRegistry(path);
    expect(await registry.getCurrent('household')).toEqual(validFile.current.household);
    expect(await registry.increment('fan-in')).toBe(4);
  });

  it.each([
    ['not JSON', '{"schemaVersion":', ''],
    ['a future schema version', { ...validFile, schemaVersion: 'harnessx.registry/2' }, 'schemaVersion'],
    ['a missing field', { ...validFile, counters: undefined }, 'counters'],
    ['a wrong type', { ...validFile, counters: { 'fan-in': 'three' } }, 'counters.fan-in'],
    ['an unknown field', { ...validFile, extra: true }, ''],
    [
      'a prototype-pollution key',
      `{"schemaVersion":"${REGISTRY_FILE_SCHEMA_VERSION}","current":{"__proto__":{"polluted":true}},"leases":{},"counters":{},"records":{}}`,
      'current.__proto__',
    ],
    [
      'a bad timestamp',
      { ...validFile, current: { household: { ...validFile.current.household, updatedAt: 'yesterday' } } },
      'current.household.updatedAt',
    ],
  ])('refuses %s with an InputError naming the file and the path', async (_label, content, issuePath) => {
    await writeRegistryFile(content);
    const registry = createFileRegistry(path);
    for (const operation of [() => registry.getCurrent('household'), () => registry.increment('fan-in')]) {
      const error = (await operation().catch((caught: unknown) => caught)) as InputError;
      expect(error).toBeInstanceOf(InputError);
      expect(error.source).toBe(path);
      expect(error.issues.map((issue) => issue.path)).toContain(issuePath);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('leaves a corrupt file untouched', async () => {
    await writeRegistryFile('{"schemaVersion":');
    await createFileRegistry(path)
      .increment('fan-in')
      .catch(() => undefined);
    expect(await readFile(path, 'utf8')).toBe('{"schemaVersion":');
  });

  it('refuses names the file format reserves and over-long values with an InputError', async () => {
    const registry = createFileRegistry(path);
    for (const name of ['__proto__', 'constructor', 'prototype']) {
      await expect(registry.increment(name)).rejects.toBeInstanceOf(InputError);
      await expect(registry.compareAndSetCurrent(name, undefined, 'sha256:a')).rejects.toBeInstanceOf(
        InputError,
      );
    }
    await expect(registry.recordOnce('key', 'v'.repeat(65_537))).rejects.toBeInstanceOf(InputError);
    await expect(registry.getCurrent('x'.repeat(1025))).rejects.toBeInstanceOf(InputError);
  });

  it('refuses bad options at construction', () => {
    expect(() => createFileRegistry(path, { lock: { acquireTimeoutMs: -1 } })).toThrow(InputError);
    expect(() => createFileRegistry(path, { clock: {} as never })).toThrow(InputError);
    expect(() => createFileRegistry(path, { unknown: true } as never)).toThrow(InputError);
  });

  it('gives up with TransientError LOCK_TIMEOUT while a live process holds the lock, and reads meanwhile', async () => {
    const registry = createFileRegistry(path, { lock: { acquireTimeoutMs: 100 } });
    await registry.compareAndSetCurrent('household', undefined, 'sha256:a');
    const holder = {
      pid: process.pid,
      hostname: hostname(),
      token: 't',
      acquiredAt: new Date().toISOString(),
    };
    await writeFile(`${path}.lock`, JSON.stringify(holder));
    const error = await registry.increment('fan-in').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).code).toBe('LOCK_TIMEOUT');
    expect((await registry.getCurrent('household'))?.contentId).toBe('sha256:a');
  });

  it('takes over the lock of a crashed process and keeps every update', async () => {
    await writeRegistryFile(validFile);
    const holder = {
      pid: process.pid,
      hostname: hostname(),
      token: 't',
      acquiredAt: '2020-01-01T00:00:00.000Z',
    };
    await writeFile(`${path}.lock`, JSON.stringify(holder));
    const registries = Array.from({ length: 4 }, () => createFileRegistry(path));
    const values = await Promise.all(
      Array.from({ length: 20 }, (_, index) => registries[index % 4]!.increment('fan-in')),
    );
    expect([...values].sort((left, right) => left - right)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 4),
    );
  });

  it('does not write the file for operations that change nothing', async () => {
    const registry = createFileRegistry(path);
    await registry.compareAndSetCurrent('household', undefined, 'sha256:a');
    const before = await readFile(path, 'utf8');
    await rm(path);
    expect(await registry.compareAndSetCurrent('household', 'sha256:zzz', 'sha256:b')).toBe(false);
    await registry.releaseLease('never-taken', 'owner');
    await expect(readFile(path, 'utf8')).rejects.toThrow();
    expect(before).toContain('sha256:a');
  });

  it('reports a registry path it cannot write as SystemError REGISTRY_IO', async () => {
    await writeFile(join(folder, 'a-file'), 'not a folder');
    const registry = createFileRegistry(join(folder, 'a-file', 'registry.json'), {
      lock: { acquireTimeoutMs: 200 },
    });
    const error = await registry.increment('fan-in').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SystemError);
    expect((error as SystemError).code).toBe('REGISTRY_IO');
    expect((error as SystemError).message).toContain(join(folder, 'a-file', 'registry.json'));
  });

  it('defaults to .harnessx/registry.json', () => {
    expect(DEFAULT_REGISTRY_PATH).toBe('.harnessx/registry.json');
  });
});
