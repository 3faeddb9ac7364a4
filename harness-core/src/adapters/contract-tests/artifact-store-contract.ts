/**
 * The `ArtifactStore` contract as a vitest suite. Every adapter (the embedded directory, S3) runs
 * this same suite unchanged, so the two can never disagree on what a key, a listing or an
 * immutable write means.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError, SystemError } from '../../errors.ts';
import type { ArtifactStore } from '../../ports/artifact-store.ts';

/** What a factory hands the suite: a fresh, empty store, and how to clean it up afterwards. */
export interface ArtifactStoreContractSubject {
  store: ArtifactStore;
  dispose?(): Promise<void>;
}

export type ArtifactStoreContractFactory = () =>
  | Promise<ArtifactStoreContractSubject>
  | ArtifactStoreContractSubject;

/** Keys every adapter must refuse with an `InputError` naming the key. */
export const BAD_STORE_KEYS: readonly string[] = [
  '',
  '/etc/passwd',
  '../outside.json',
  'cycles/../../outside.json',
  'cycles/./state.json',
  'cycles//state.json',
  'cycles/state.json/',
  'cycles\\state.json',
  'cycles/\u0000/state.json',
  'k'.repeat(1025),
];

const text = (bytes: Uint8Array | undefined): string | undefined =>
  bytes === undefined ? undefined : Buffer.from(bytes).toString('utf8');

async function expectInputErrorNaming(promise: Promise<unknown>, key: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `key ${JSON.stringify(key)} was accepted`).toBeInstanceOf(InputError);
  const message = (error as InputError).message;
  const raw = key.slice(0, 40);
  const escaped = JSON.stringify(raw).slice(1, -1);
  expect(message.includes(raw) || message.includes(escaped), `${message} does not name the key`).toBe(true);
}

/**
 * Declares the `ArtifactStore` contract suite for one adapter. `factory` runs before every test and
 * must return an empty store.
 *
 * @example
 * describeArtifactStoreContract('filesystem', async () => {
 *   const root = await mkdtemp(join(tmpdir(), 'store-'));
 *   return { store: createFilesystemArtifactStore(root), dispose: () => rm(root, { recursive: true }) };
 * });
 */
export function describeArtifactStoreContract(name: string, factory: ArtifactStoreContractFactory): void {
  describe(`ArtifactStore contract: ${name}`, () => {
    let subject: ArtifactStoreContractSubject;
    let store: ArtifactStore;

    beforeEach(async () => {
      subject = await factory();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.dispose?.();
    });

    describe('get and put', () => {
      it('returns undefined for a key never written, and for a key that is only a prefix', async () => {
        expect(await store.get('cycles/c1/state.json')).toBeUndefined();
        await store.put('cycles/c1/state.json', '{}');
        expect(await store.get('cycles/c1')).toBeUndefined();
        expect(await store.get('cycles')).toBeUndefined();
      });

      it('round-trips strings as UTF-8 and bytes exactly, including every byte value and empty bodies', async () => {
        const everyByte = Uint8Array.from({ length: 256 }, (_, index) => index);
        await store.put('blobs/all-bytes.bin', everyByte);
        await store.put('blobs/unicode.txt', 'naïve ☃ 𝄞');
        await store.put('blobs/empty', '');
        const readBack = await store.get('blobs/all-bytes.bin');
        expect(readBack).toBeInstanceOf(Uint8Array);
        expect(Buffer.from(readBack!).equals(Buffer.from(everyByte))).toBe(true);
        expect(text(await store.get('blobs/unicode.txt'))).toBe('naïve ☃ 𝄞');
        expect((await store.get('blobs/empty'))?.byteLength).toBe(0);
      });

      it('overwrites on put', async () => {
        await store.put('cycles/c1/state.json', 'first');
        await store.put('cycles/c1/state.json', 'second, longer than the first');
        expect(text(await store.get('cycles/c1/state.json'))).toBe('second, longer than the first');
      });

      it('accepts the keys of the store layout (DESIGN §8)', async () => {
        // Literal keys, as `storeKeys` writes them: the layout is part of the contract.
        const keys = [
          `harnesses/household/versions/sha256-${'a'.repeat(64)}/harness.json`,
          'cycles/household-c001/state.json',
          'cycles/household-c001/candidates.json',
          'digests/household-c001/digest.json',
          'plans/household-c001/plan.json',
          'traces/household/2026/03/04/run-1.otlp.json.gz',
          'datasets/grpo/household-c001/groups.jsonl',
          'models/job-1/model.tar.gz',
        ];
        for (const key of keys) await store.put(key, key);
        for (const key of keys) expect(text(await store.get(key))).toBe(key);
      });

      it('gives concurrent readers the old or the new body, never a mix', async () => {
        const key = 'cycles/c1/big.json';
        const bodies = ['a', 'b', 'c', 'd'].map((letter) => letter.repeat(256 * 1024));
        await store.put(key, bodies[0]!);
        let writing = true;
        const writer = (async () => {
          for (let round = 1; round <= 24; round++) await store.put(key, bodies[round % bodies.length]!);
          writing = false;
        })();
        const torn: number[] = [];
        let reads = 0;
        const reader = async () => {
          while (writing) {
            const body = text(await store.get(key));
            reads++;
            if (body === undefined || !bodies.includes(body)) torn.push(body?.length ?? -1);
          }
        };
        await Promise.all([writer, reader(), reader(), reader()]);
        expect(torn, `${torn.length} of ${reads} reads saw a missing or partial body`).toEqual([]);
        expect(text(await store.get(key))).toBe(bodies[0]);
      });
    });

    describe('putImmutable', () => {
      const key = `harnesses/household/versions/sha256-${'b'.repeat(64)}/harness.json`;

      it('creates, then reports identical bytes (string or bytes) as existing', async () => {
        expect(await store.putImmutable(key, '{"name":"household"}')).toBe('created');
        expect(await store.putImmutable(key, '{"name":"household"}')).toBe('exists');
        expect(await store.putImmutable(key, Buffer.from('{"name":"household"}', 'utf8'))).toBe('exists');
        expect(text(await store.get(key))).toBe('{"name":"household"}');
      });

      it('refuses different bytes with SystemError IMMUTABLE_CONFLICT and keeps the original', async () => {
        await store.putImmutable(key, 'original');
        for (const other of ['changed', 'original ', '']) {
          const error = await store.putImmutable(key, other).catch((caught: unknown) => caught);
          expect(error).toBeInstanceOf(SystemError);
          expect((error as SystemError).code).toBe('IMMUTABLE_CONFLICT');
        }
        expect(text(await store.get(key))).toBe('original');
      });

      it('lets many concurrent writers of identical content all succeed, exactly one creating', async () => {
        const outcomes = await Promise.all(
          Array.from({ length: 24 }, () => store.putImmutable(key, 'same body')),
        );
        expect(outcomes.filter((outcome) => outcome === 'created')).toHaveLength(1);
        expect(outcomes.filter((outcome) => outcome === 'exists')).toHaveLength(23);
        expect(text(await store.get(key))).toBe('same body');
      });

      it('lets exactly one of many concurrent writers of different content win, whole', async () => {
        const bodies = Array.from({ length: 16 }, (_, index) => `body ${index} `.repeat(20_000));
        const outcomes = await Promise.allSettled(bodies.map((body) => store.putImmutable(key, body)));
        const winners = outcomes.flatMap((outcome, index) =>
          outcome.status === 'fulfilled' && outcome.value === 'created' ? [index] : [],
        );
        expect(winners).toHaveLength(1);
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected')
            expect((outcome.reason as SystemError).code).toBe('IMMUTABLE_CONFLICT');
          else expect(outcome.value).toBe('created');
        }
        expect(text(await store.get(key))).toBe(bodies[winners[0]!]);
      });
    });

    describe('list', () => {
      const keys = [
        'cycles/c1/state.json',
        'cycles/c1/gate.json',
        'cycles/c10/state.json',
        'cycles/c2/evals/task-b.json',
        'cycles/c2/evals/task-a.json',
        'digests/c1/digest.json',
        'top-level.json',
      ];

      beforeEach(async () => {
        for (const key of keys) await store.put(key, key);
      });

      it('lists every key under a prefix, recursively and sorted', async () => {
        expect(await store.list('cycles/')).toEqual([
          'cycles/c1/gate.json',
          'cycles/c1/state.json',
          'cycles/c10/state.json',
          'cycles/c2/evals/task-a.json',
          'cycles/c2/evals/task-b.json',
        ]);
        expect(await store.list('cycles/c2/')).toEqual([
          'cycles/c2/evals/task-a.json',
          'cycles/c2/evals/task-b.json',
        ]);
      });

      it('matches the prefix as a string, not only at folder boundaries', async () => {
        expect(await store.list('cycles/c1')).toEqual([
          'cycles/c1/gate.json',
          'cycles/c1/state.json',
          'cycles/c10/state.json',
        ]);
        expect(await store.list('cycles/c1/s')).toEqual(['cycles/c1/state.json']);
        expect(await store.list('top')).toEqual(['top-level.json']);
      });

      it('lists everything for the empty prefix and nothing for an unknown one', async () => {
        expect(await store.list('')).toEqual([...keys].sort());
        expect(await store.list('plans/')).toEqual([]);
        expect(await store.list('cycles/c3')).toEqual([]);
        expect(await store.list('top-level.json/')).toEqual([]);
      });

      it('shows keys written by putImmutable and no trace of writes in flight', async () => {
        await Promise.all([
          store.putImmutable('cycles/c3/a.json', 'a'),
          store.put('cycles/c3/b.json', 'b'),
          store.putImmutable('cycles/c3/a.json', 'a'),
        ]);
        expect(await store.list('cycles/c3/')).toEqual(['cycles/c3/a.json', 'cycles/c3/b.json']);
      });
    });

    describe('delete', () => {
      it('removes an inbox entry so that neither get nor list sees it, and ignores a missing one', async () => {
        await store.put('inbox/household/a.json', '{"traceKey":"traces/a.json"}');
        await store.put('inbox/household/b.json', '{"traceKey":"traces/b.json"}');
        await store.delete('inbox/household/a.json');
        expect(await store.get('inbox/household/a.json')).toBeUndefined();
        expect(await store.list('inbox/household/')).toEqual(['inbox/household/b.json']);
        await store.delete('inbox/household/a.json');
        await store.delete('inbox/never-written.json');
        expect(await store.list('inbox/')).toEqual(['inbox/household/b.json']);
      });

      it('refuses keys outside the transient prefixes with an InputError and keeps the object', async () => {
        await store.putImmutable('harnesses/h/versions/sha256-a/harness.json', '{}');
        for (const key of [
          'harnesses/h/versions/sha256-a/harness.json',
          'inboxes/x.json',
          '../inbox/x.json',
        ]) {
          const refused = store.delete(key);
          await expect(refused).rejects.toBeInstanceOf(InputError);
          await expect(refused).rejects.toThrow(key);
        }
        expect(text(await store.get('harnesses/h/versions/sha256-a/harness.json'))).toBe('{}');
      });
    });

    describe('bad keys', () => {
      it.each(BAD_STORE_KEYS.map((key) => [JSON.stringify(key).slice(0, 40), key]))(
        'refuses %s in get, put and putImmutable with an InputError naming it',
        async (_label, key) => {
          await expectInputErrorNaming(store.get(key), key);
          await expectInputErrorNaming(store.put(key, 'x'), key);
          await expectInputErrorNaming(store.putImmutable(key, 'x'), key);
        },
      );

      it('refuses non-string keys and bad list prefixes with an InputError', async () => {
        await expect(store.get(42 as unknown as string)).rejects.toBeInstanceOf(InputError);
        for (const prefix of ['/etc/', '../', 'cycles/../', 'a\\b', 'cycles//']) {
          await expectInputErrorNaming(store.list(prefix), prefix);
        }
      });

      it('writes nothing for a refused key', async () => {
        await store.put('../escape.json', 'x').catch(() => undefined);
        await store.put('cycles/../../escape.json', 'x').catch(() => undefined);
        expect(await store.list('')).toEqual([]);
      });
    });
  });
}
