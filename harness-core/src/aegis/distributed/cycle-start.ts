/**
 * Starting a cycle on the serverless foundry: when enough uploaded traces wait for a project and no
 * cycle of that project runs (the Registry lease), the next cycle's state is written with the waiting
 * traces and its first message is sent. The lease is held until the critic publishes.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { SystemError } from '../../errors.ts';
import type { HarnessSpec } from '../../harness/spec.ts';
import { storeKeys } from '../../ports/artifact-store.ts';
import type { StageMessage } from '../../ports/work-queue.ts';
import { readArtifact, writeMutable, zodCodec } from '../pipeline/artifact-io.ts';
import { cycleIdFor, newCycleState } from '../pipeline/run-cycle.ts';
import type { ProjectConfig } from '../project.ts';
import type { DistributedFoundry } from './foundry.ts';
import { currentWorkerModel } from './model-versions.ts';
import { publishBaseline } from './project-registration.ts';

/** Long enough for the slowest cycle; a cycle that died mid-way frees its project after this. */
export const CYCLE_LEASE_TTL_MS = 6 * 60 * 60 * 1000;

export const inboxEntrySchema = z.object({ traceKey: z.string().min(1) }).strict();
export const inboxCodec = zodCodec(inboxEntrySchema, 'trace inbox entry');
export const inboxPrefix = (project: string) => `inbox/${project}/`;
export const pendingCounter = (project: string) => `pending-traces:${project}`;
export const cycleLease = (project: string) => `cycle:${project}`;

export function stageMessage(
  type: StageMessage['type'],
  project: string,
  cycleId: string,
  idempotencyKey: string,
  refs: Record<string, string> = {},
): StageMessage {
  return { schemaVersion: 'harnessx.message/1', type, project, cycleId, idempotencyKey, refs };
}

/**
 * Starts the project's next cycle if its trigger is met (or `force`: a new worker model was
 * registered) and none runs; returns its id if it did. The cycle is pinned to the current worker.
 */
export async function maybeStartCycle(
  foundry: DistributedFoundry,
  project: ProjectConfig,
  baseline: HarnessSpec,
  options: { force?: boolean } = {},
): Promise<string | undefined> {
  const harnessName = baseline.name;
  const { store, registry } = foundry;
  const pending = await registry.increment(pendingCounter(project.name), 0);
  if (!options.force && pending < project.policies.triggerTraces) return undefined;
  const owner = `lease-${randomUUID()}`;
  if (!(await registry.acquireLease(cycleLease(project.name), owner, CYCLE_LEASE_TTL_MS))) return undefined;
  try {
    if ((await registry.getCurrent(harnessName)) === undefined) await publishBaseline(foundry, baseline);
    const current = await registry.getCurrent(harnessName);
    if (!current) throw new SystemError(`no current version for harness ${harnessName}`);
    const index = await registry.increment(`cycles:${project.name}`);
    const cycleId = cycleIdFor(project.name, index);
    // Under the lease no other start runs, so each waiting trace is taken by exactly one cycle.
    const uploadedTraces: string[] = [];
    const entryKeys = await store.list(inboxPrefix(project.name));
    for (const entryKey of entryKeys) {
      if (!(await registry.recordOnce(`consumed:${entryKey}`, cycleId))) continue;
      const entry = await readArtifact(store, entryKey, inboxCodec);
      if (entry) uploadedTraces.push(entry.traceKey);
    }
    await registry.increment(pendingCounter(project.name), -uploadedTraces.length);
    const workerModel = await currentWorkerModel(foundry, project.name);
    const state = {
      ...newCycleState(project.name, index, current.contentId),
      ...(workerModel ? { workerModel } : {}),
      leaseOwner: owner,
    };
    state.artifacts.uploadedTraces = uploadedTraces.sort();
    await writeMutable(store, storeKeys.cycleState(cycleId), state);
    // Taken entries (by this cycle, or by an earlier one that stopped before deleting) are recorded in
    // the registry and in a cycle state: deleting them keeps the next start's listing to what waits.
    for (const entryKey of entryKeys) await store.delete(entryKey);
    await foundry.queue.send('digest', [stageMessage('digest', project.name, cycleId, `${cycleId}:digest`)]);
    return cycleId;
  } catch (error) {
    await registry.releaseLease(cycleLease(project.name), owner);
    throw error;
  }
}
