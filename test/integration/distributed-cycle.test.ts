/**
 * The AEGIS cycle run apart — one stage per queue message, evaluations in shards with fan-in — over
 * the embedded store, registry and in-process queue, against the same cycle run in-process: the same
 * seed must give the same digest, plan, candidates, verdicts and gate decisions, and delivering every
 * message three times must repeat nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessWorkQueue } from '../../harness-core/src/adapters/embedded/in-process-work-queue.ts';
import { createEmbeddedFoundry } from '../../harness-core/src/adapters/embedded/index.ts';
import type { CycleState } from '../../harness-core/src/aegis/artifacts/cycle-state.ts';
import {
  type DistributedFoundry,
  type IngestOutcome,
  ingestTraceObject,
  registerProject,
} from '../../harness-core/src/aegis/distributed/index.ts';
import { ReplayBuffer, readGroupDataset } from '../../harness-core/src/coevolution/index.ts';
import type { ArtifactStore } from '../../harness-core/src/ports/artifact-store.ts';
import { type DrainResult, drainPipeline } from './support/drain-pipeline.ts';
import {
  householdTraceFiles,
  loadHouseholdProject,
  readCycleState,
  runReferenceCycle,
  storeText as text,
  withoutTraceIds,
} from './support/household-fixture.ts';

describe('the AEGIS cycle run apart, one stage per message', () => {
  let dir: string;
  let foundry: DistributedFoundry;
  let ingested: IngestOutcome[];
  let drained: DrainResult;
  let distributed: CycleState;
  let referenceState: CycleState;
  let referenceStore: ArtifactStore;
  const traceKeys = [0, 1, 2].map((i) => `traces/household/2026/11/24/agent-run-${i}.json`);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hx-distributed-'));
    const { project, baselineSpec } = await loadHouseholdProject();
    const files = await householdTraceFiles(baselineSpec, traceKeys.length);
    const embedded = createEmbeddedFoundry(join(dir, 'distributed'));
    foundry = { store: embedded.store, registry: embedded.registry, queue: createInProcessWorkQueue() };
    await registerProject(foundry, { project, baselineSpec });
    ingested = [];
    for (const [index, key] of traceKeys.entries()) {
      await foundry.store.put(key, files[index] ?? '');
      ingested.push(await ingestTraceObject(foundry, { key }));
    }
    // S3 may notify twice for one object.
    ingested.push(await ingestTraceObject(foundry, { key: traceKeys[0] ?? '' }));
    drained = await drainPipeline(foundry, { deliveries: 3 });
    distributed = await readCycleState(embedded, project, baselineSpec, 'household-c001');
    const traces = traceKeys.map((key, index) => ({ key, body: files[index] ?? '' }));
    const reference = await runReferenceCycle({ dir: join(dir, 'reference'), project, baselineSpec, traces });
    referenceState = reference.state;
    referenceStore = reference.store;
  }, 300_000);

  afterAll(async () => {
    if (!process.env.HX_KEEP) await rm(dir, { recursive: true, force: true });
    else console.log(dir);
  });

  it('records each uploaded trace once and starts one cycle when the trigger is met', () => {
    expect(ingested.map((outcome) => outcome.status)).toEqual([
      'recorded',
      'recorded',
      'recorded',
      'duplicate',
    ]);
    expect(
      ingested.map((outcome) => (outcome.status === 'recorded' ? outcome.startedCycle : undefined)),
    ).toEqual([undefined, undefined, 'household-c001', undefined]);
    expect(distributed.artifacts.uploadedTraces).toEqual([...traceKeys].sort());
  });

  it('runs every stage to a published version and frees the project', async () => {
    expect(drained.failures).toEqual([]);
    expect(distributed.stage).toBe('done');
    expect(await foundry.registry.getLease('cycle:household')).toBeUndefined();
    const current = await foundry.registry.getCurrent('household-baseline');
    if (referenceState.outcome?.status === 'accepted') {
      expect(current?.contentId).toBe(referenceState.outcome.newContentId);
      expect(current?.version).toBe(2);
    }
  });

  it('makes the same decisions as the in-process cycle on the same seed', async () => {
    expect(distributed.outcome).toEqual(referenceState.outcome);
    // Trace and span ids are random per run, and shards list trajectories in another order, so the
    // digest is compared by what it found; every artifact after it must match
    // byte for byte, but for the trace ids its evidence quotes.
    const findings = async (store: ArtifactStore, key: string) => {
      const digest = JSON.parse(await text(store, key)) as {
        clusters: { id: string; count: number; taskIds: string[] }[];
        tasks: unknown[];
        successRate: number;
      };
      return {
        clusters: digest.clusters.map(({ id, count, taskIds }) => ({ id, count, taskIds })),
        tasks: digest.tasks,
        successRate: digest.successRate,
      };
    };
    expect(await findings(foundry.store, distributed.artifacts.digest ?? '')).toEqual(
      await findings(referenceStore, referenceState.artifacts.digest ?? ''),
    );
    const keys = (state: CycleState) => [
      ...(state.artifacts.candidates ?? []),
      ...Object.values(state.artifacts.verdicts ?? {}),
      ...(state.artifacts.gate ?? []),
    ];
    expect(keys(distributed)).toEqual(keys(referenceState));
    for (const key of keys(referenceState)) {
      const same =
        withoutTraceIds(await text(foundry.store, key ?? '')) ===
        withoutTraceIds(await text(referenceStore, key ?? ''));
      expect(same, `${key} differs between the distributed and the in-process cycle`).toBe(true);
    }
  });

  it("runs the gate's held-out evaluations in shards too, never inside the critic stage", async () => {
    const heldout = Object.entries(distributed.artifacts.heldout ?? {});
    expect(heldout.length).toBeGreaterThan(0);
    expect(heldout).toEqual(Object.entries(referenceState.artifacts.heldout ?? {}));
    for (const [candidateId] of heldout) {
      const group = `gate-${candidateId}-heldout`;
      const critic = drained.handled.filter((entry) => entry.message.type === 'critic');
      expect(critic.some((entry) => entry.outcome.detail === group)).toBe(true);
      expect(
        drained.handled.some(
          (entry) =>
            entry.message.type === 'evaluate' && entry.message.refs.shard?.includes(`/shards/${group}/`),
        ),
      ).toBe(true);
      expect(critic.some((entry) => entry.message.idempotencyKey.endsWith(`:critic:${group}-done`))).toBe(
        true,
      );
    }
    // Shards run the evaluations, so the cycle counts their tokens where the in-process run does.
    expect(distributed.tokensByStage.gate).toEqual(referenceState.tokensByStage.gate);
    expect(referenceState.tokensByStage.gate?.input ?? 0).toBeGreaterThan(0);
  });

  it('repeats nothing when every message is delivered three times', async () => {
    const versions = await foundry.store.list('harnesses/');
    const referenceVersions = await referenceStore.list('harnesses/');
    expect(versions).toEqual(referenceVersions);
    const ran = drained.handled.filter((entry) => entry.outcome.status === 'ran');
    const byKey = new Map<string, number>();
    for (const entry of ran)
      byKey.set(entry.message.idempotencyKey, (byKey.get(entry.message.idempotencyKey) ?? 0) + 1);
    expect([...byKey.values()].every((count) => count === 1)).toBe(true);
    const shards = drained.handled.filter((entry) => entry.message.type === 'evaluate');
    const distinctShards = new Set(shards.map((entry) => entry.message.refs.shard));
    expect(await foundry.registry.recordFanIn('shards:household-c001:candidates', '__probe__')).toBe(
      [...distinctShards].filter((key) => key?.includes('/candidates/')).length + 1,
    );
  });

  it("writes the cycle's cross-harness GRPO groups and buffers them", async () => {
    const dataset = await readGroupDataset(foundry.store, 'household-c001');
    expect(dataset.records.length).toBeGreaterThan(0);
    expect(dataset.manifest.counts.groups.kept).toBe(dataset.records.length);
    const versionsPerGroup = dataset.records.map(
      (group) => new Set(group.trajectories.map((trajectory) => trajectory.harness.sha256)).size,
    );
    expect(Math.max(...versionsPerGroup)).toBeGreaterThan(1);
    const buffer = await ReplayBuffer.open(foundry.store);
    expect(buffer.groupsAvailable(dataset.manifest.policy.policy_id)).toBe(dataset.records.length);
  });
});
