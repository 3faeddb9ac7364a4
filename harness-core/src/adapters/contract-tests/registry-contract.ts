/**
 * The `Registry` contract as a vitest suite, run unchanged against every adapter (the embedded JSON
 * file, DynamoDB): compare-and-swap, leases, counters and idempotency records, under concurrent
 * promises, across two clients, and across two racing processes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../errors.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Registry } from '../../ports/registry.ts';
import { createManualTestClock, type ManualTestClock } from './manual-test-clock.ts';
import { type RegistryOpener, type RegistryRaceResult, runRegistryRace } from './registry-race.ts';

/** What the suite gives the factory: the clock the subject must use for timestamps and leases. */
export interface RegistryContractContext {
  clock: Clock;
}

/** What a factory hands the suite: a registry over fresh, empty state, and other ways into that state. */
export interface RegistryContractSubject {
  registry: Registry;
  /** A second client over the same state, as another process would open it (same clock). */
  openAnother(): Registry | Promise<Registry>;
  /** How a child process opens a client over the same state (it uses the system clock). */
  childProcessOpener: RegistryOpener;
  dispose?(): Promise<void>;
}

export type RegistryContractFactory = (
  context: RegistryContractContext,
) => Promise<RegistryContractSubject> | RegistryContractSubject;

const HARNESS = 'household';

/** Checks that the winning moves form one unbroken chain from "no pointer": no two wins from the same state. */
function expectOneChain(results: readonly RegistryRaceResult[], finalContentId: string | undefined): number {
  const transitions = results.flatMap((result) => result.transitions);
  const byFrom = new Map<string | null, string>();
  for (const transition of transitions) {
    expect(byFrom.has(transition.from), `two moves won from ${transition.from}`).toBe(false);
    byFrom.set(transition.from, transition.to);
  }
  let at: string | null = null;
  let length = 0;
  while (byFrom.has(at)) {
    at = byFrom.get(at)!;
    length++;
  }
  expect(length).toBe(transitions.length);
  expect(at).toBe(finalContentId);
  return length;
}

/**
 * Declares the `Registry` contract suite for one adapter. `factory` runs before every test and
 * must return a registry over empty state that reads time from `context.clock`.
 *
 * @example
 * describeRegistryContract('file', async ({ clock }) => {
 *   const path = join(await mkdtemp(join(tmpdir(), 'registry-')), 'registry.json');
 *   return {
 *     registry: createFileRegistry(path, { clock }),
 *     openAnother: () => createFileRegistry(path, { clock }),
 *     childProcessOpener: { module: fileRegistryModulePath, exportName: 'createFileRegistry', args: [path] },
 *   };
 * });
 */
export function describeRegistryContract(name: string, factory: RegistryContractFactory): void {
  describe(`Registry contract: ${name}`, () => {
    let clock: ManualTestClock;
    let subject: RegistryContractSubject;
    let registry: Registry;

    beforeEach(async () => {
      clock = createManualTestClock();
      subject = await factory({ clock });
      registry = subject.registry;
    });
    afterEach(async () => {
      await subject.dispose?.();
    });

    describe('current pointer', () => {
      it('has no pointer at first, and creates one only from expected = undefined', async () => {
        expect(await registry.getCurrent(HARNESS)).toBeUndefined();
        expect(await registry.compareAndSetCurrent(HARNESS, 'sha256:not-there', 'sha256:a')).toBe(false);
        expect(await registry.getCurrent(HARNESS)).toBeUndefined();
        expect(await registry.compareAndSetCurrent(HARNESS, undefined, 'sha256:a')).toBe(true);
        expect(await registry.getCurrent(HARNESS)).toEqual({
          contentId: 'sha256:a',
          version: 1,
          updatedAt: clock.now().toISOString(),
        });
      });

      it('moves only from the expected content id, one version at a time, stamping the clock', async () => {
        await registry.compareAndSetCurrent(HARNESS, undefined, 'sha256:a');
        clock.advance(5_000);
        expect(await registry.compareAndSetCurrent(HARNESS, undefined, 'sha256:x')).toBe(false);
        expect(await registry.compareAndSetCurrent(HARNESS, 'sha256:b', 'sha256:x')).toBe(false);
        expect(await registry.compareAndSetCurrent(HARNESS, 'sha256:a', 'sha256:b')).toBe(true);
        expect(await registry.compareAndSetCurrent(HARNESS, 'sha256:b', 'sha256:a')).toBe(true);
        expect(await registry.getCurrent(HARNESS)).toEqual({
          contentId: 'sha256:a',
          version: 3,
          updatedAt: clock.now().toISOString(),
        });
      });

      it('keeps harnesses apart and hands out copies', async () => {
        await registry.compareAndSetCurrent('alpha', undefined, 'sha256:a');
        await registry.compareAndSetCurrent('beta', undefined, 'sha256:b');
        const alpha = await registry.getCurrent('alpha');
        alpha!.contentId = 'mutated by the caller';
        expect((await registry.getCurrent('alpha'))?.contentId).toBe('sha256:a');
        expect((await registry.getCurrent('beta'))?.contentId).toBe('sha256:b');
      });

      it('lets exactly one of many concurrent moves from the same state win', async () => {
        await registry.compareAndSetCurrent(HARNESS, undefined, 'sha256:base');
        const other = await subject.openAnother();
        const outcomes = await Promise.all(
          Array.from({ length: 20 }, (_, index) =>
            (index % 2 === 0 ? registry : other).compareAndSetCurrent(
              HARNESS,
              'sha256:base',
              `sha256:n${index}`,
            ),
          ),
        );
        expect(outcomes.filter(Boolean)).toHaveLength(1);
        const winner = outcomes.indexOf(true);
        expect(await other.getCurrent(HARNESS)).toMatchObject({ contentId: `sha256:n${winner}`, version: 2 });
      });
    });

    describe('leases', () => {
      it('holds a lease against other owners until it expires, then lets another owner take it', async () => {
        expect(await registry.acquireLease('cycle:household', 'owner-a', 60_000)).toBe(true);
        expect(await registry.acquireLease('cycle:household', 'owner-b', 60_000)).toBe(false);
        clock.advance(59_000);
        expect(await registry.acquireLease('cycle:household', 'owner-b', 60_000)).toBe(false);
        clock.advance(2_000);
        expect(await registry.acquireLease('cycle:household', 'owner-b', 60_000)).toBe(true);
        expect(await registry.acquireLease('cycle:household', 'owner-a', 60_000)).toBe(false);
      });

      it('lets the owner renew, which extends the expiry from now', async () => {
        await registry.acquireLease('cycle:household', 'owner-a', 10_000);
        clock.advance(8_000);
        expect(await registry.acquireLease('cycle:household', 'owner-a', 10_000)).toBe(true);
        clock.advance(8_000);
        expect(await registry.acquireLease('cycle:household', 'owner-b', 10_000)).toBe(false);
        clock.advance(2_001);
        expect(await registry.acquireLease('cycle:household', 'owner-b', 10_000)).toBe(true);
      });

      it('is released only by its owner, and releasing an unknown lease is harmless', async () => {
        await registry.acquireLease('cycle:household', 'owner-a', 60_000);
        await registry.releaseLease('cycle:household', 'owner-b');
        expect(await registry.acquireLease('cycle:household', 'owner-b', 60_000)).toBe(false);
        await registry.releaseLease('cycle:household', 'owner-a');
        expect(await registry.acquireLease('cycle:household', 'owner-b', 60_000)).toBe(true);
        await expect(registry.releaseLease('never-taken', 'owner-a')).resolves.toBeUndefined();
      });

      it('tells who holds a lease, so a dead holder can be recognised and its lease released', async () => {
        expect(await registry.getLease('cycle:household')).toBeUndefined();
        await registry.acquireLease('cycle:household', 'host:4242', 60_000);
        const lease = await registry.getLease('cycle:household');
        expect(lease?.owner).toBe('host:4242');
        expect(Date.parse(lease?.expiresAt ?? '')).toBeGreaterThan(0);
        await registry.releaseLease('cycle:household', lease?.owner ?? '');
        expect(await registry.getLease('cycle:household')).toBeUndefined();
      });

      it('keeps lease names apart and is seen by a second client', async () => {
        await registry.acquireLease('cycle:alpha', 'owner-a', 60_000);
        const other = await subject.openAnother();
        expect(await other.acquireLease('cycle:alpha', 'owner-b', 60_000)).toBe(false);
        expect(await other.acquireLease('cycle:beta', 'owner-b', 60_000)).toBe(true);
      });

      it('gives a contended lease to exactly one of many concurrent owners', async () => {
        const outcomes = await Promise.all(
          Array.from({ length: 16 }, (_, index) =>
            registry.acquireLease('cycle:household', `owner-${index}`, 60_000),
          ),
        );
        expect(outcomes.filter(Boolean)).toHaveLength(1);
      });

      it.each([0, -1, 1.5, Number.NaN])('refuses a ttl of %s with an InputError', async (ttlMs) => {
        await expect(registry.acquireLease('cycle:household', 'owner-a', ttlMs)).rejects.toBeInstanceOf(
          InputError,
        );
      });
    });

    describe('counters', () => {
      it('starts at zero, adds one by default or the given step, and keeps counters apart', async () => {
        expect(await registry.increment('evals:c1')).toBe(1);
        expect(await registry.increment('evals:c1', 5)).toBe(6);
        expect(await registry.increment('evals:c1', -2)).toBe(4);
        expect(await registry.increment('evals:c2')).toBe(1);
        expect(await registry.increment('evals:c1', 0)).toBe(4);
      });

      it('loses no update under many concurrent increments from two clients', async () => {
        const other = await subject.openAnother();
        const values = await Promise.all(
          Array.from({ length: 40 }, (_, index) => (index % 2 === 0 ? registry : other).increment('fan-in')),
        );
        expect([...values].sort((left, right) => left - right)).toEqual(
          Array.from({ length: 40 }, (_, i) => i + 1),
        );
        expect(await registry.increment('fan-in', 0)).toBe(40);
      });

      it('refuses a step that is not an integer with an InputError', async () => {
        await expect(registry.increment('fan-in', 0.5)).rejects.toBeInstanceOf(InputError);
        await expect(registry.increment('fan-in', Number.NaN)).rejects.toBeInstanceOf(InputError);
      });
    });

    describe('fan-in', () => {
      it('counts distinct members per set, and a member added again counts once', async () => {
        expect(await registry.recordFanIn('shards:c1:candidates', 'shard-0')).toBe(1);
        expect(await registry.recordFanIn('shards:c1:candidates', 'shard-1')).toBe(2);
        expect(await registry.recordFanIn('shards:c1:candidates', 'shard-0')).toBe(2);
        expect(await registry.recordFanIn('shards:c1:candidates', 'shard-1')).toBe(2);
        expect(await registry.recordFanIn('shards:c1:baseline', 'shard-0')).toBe(1);
        expect(await registry.recordFanIn('shards:c1:candidates', 'shard-2')).toBe(3);
      });

      it('keeps fan-in sets apart from counters of the same name', async () => {
        expect(await registry.increment('shards:c1')).toBe(1);
        expect(await registry.recordFanIn('shards:c1', 'shard-0')).toBe(1);
        expect(await registry.recordFanIn('shards:c1', 'shard-1')).toBe(2);
        expect(await registry.increment('shards:c1', 0)).toBe(1);
      });

      it('counts exactly under 30 concurrent adds with duplicates from two clients', async () => {
        const other = await subject.openAnother();
        const members = Array.from({ length: 30 }, (_, index) => `shard-${index % 12}`);
        const counts = await Promise.all(
          members.map((member, index) => (index % 2 === 0 ? registry : other).recordFanIn('fan', member)),
        );
        expect(Math.max(...counts)).toBe(12);
        expect(counts.every((count) => count >= 1 && count <= 12)).toBe(true);
        // Each distinct member's first add is the one that raised the count: the counts 1…12 all appear.
        expect(new Set(counts)).toEqual(new Set(Array.from({ length: 12 }, (_, index) => index + 1)));
        expect(await other.recordFanIn('fan', 'shard-0')).toBe(12);
        expect(await registry.recordFanIn('fan', 'shard-late')).toBe(13);
      });

      it('refuses an empty or over-long set name or member with an InputError', async () => {
        await expect(registry.recordFanIn('', 'shard-0')).rejects.toBeInstanceOf(InputError);
        await expect(registry.recordFanIn('fan', '')).rejects.toBeInstanceOf(InputError);
        await expect(registry.recordFanIn('f'.repeat(1025), 'shard-0')).rejects.toBeInstanceOf(InputError);
        await expect(registry.recordFanIn('fan', 'm'.repeat(1025))).rejects.toBeInstanceOf(InputError);
        await expect(registry.recordFanIn('fan', 42 as unknown as string)).rejects.toBeInstanceOf(InputError);
        expect(await registry.recordFanIn('fan', 'shard-0')).toBe(1);
      });
    });

    describe('recordOnce', () => {
      it('records a key the first time only, per key', async () => {
        expect(await registry.recordOnce('message:m1', 'first')).toBe(true);
        expect(await registry.recordOnce('message:m1', 'first')).toBe(false);
        expect(await registry.recordOnce('message:m1', 'different value')).toBe(false);
        expect(await registry.recordOnce('message:m2', 'first')).toBe(true);
        expect(await (await subject.openAnother()).recordOnce('message:m2', 'again')).toBe(false);
      });

      it('reports true to exactly one of many concurrent recorders', async () => {
        const outcomes = await Promise.all(
          Array.from({ length: 16 }, (_, index) => registry.recordOnce('message:m1', `recorder ${index}`)),
        );
        expect(outcomes.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('bad arguments', () => {
      it('refuses empty names with an InputError', async () => {
        await expect(registry.getCurrent('')).rejects.toBeInstanceOf(InputError);
        await expect(registry.compareAndSetCurrent(HARNESS, undefined, '')).rejects.toBeInstanceOf(
          InputError,
        );
        await expect(registry.acquireLease('', 'owner-a', 1_000)).rejects.toBeInstanceOf(InputError);
        await expect(registry.acquireLease('lease', '', 1_000)).rejects.toBeInstanceOf(InputError);
        await expect(registry.increment('')).rejects.toBeInstanceOf(InputError);
        await expect(registry.recordOnce('', 'value')).rejects.toBeInstanceOf(InputError);
      });
    });

    describe('two processes racing', () => {
      it('keeps compare-and-swap, increments and records exact across processes', {
        timeout: 120_000,
      }, async () => {
        const casMoves = 25;
        const increments = 40;
        const recordKeys = Array.from({ length: 20 }, (_, index) => `message:${index}`);
        const jobs = ['left', 'right'].map((workerId) => ({
          workerId,
          opener: subject.childProcessOpener,
          harnessName: HARNESS,
          casMoves,
          counter: 'fan-in',
          increments,
          recordKeys,
        }));
        const results = await runRegistryRace(jobs);

        const final = await registry.getCurrent(HARNESS);
        expect(expectOneChain(results, final?.contentId)).toBe(2 * casMoves);
        expect(final?.version).toBe(2 * casMoves);

        const values = results.flatMap((result) => result.increments).sort((left, right) => left - right);
        expect(values).toEqual(Array.from({ length: 2 * increments }, (_, index) => index + 1));
        expect(await registry.increment('fan-in', 0)).toBe(2 * increments);

        const recorded = results.flatMap((result) => result.recorded).sort();
        expect(recorded).toEqual([...recordKeys].sort());
      });
    });
  });
}
