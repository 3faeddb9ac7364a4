import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInProcessWorkQueue } from '../../adapters/embedded/in-process-work-queue.ts';
import { createEmbeddedFoundry } from '../../adapters/embedded/index.ts';
import { canonicalJson, harnessContentId } from '../../harness/canonical.ts';
import { loadHarnessFile } from '../../harness/load.ts';
import { storeKeys } from '../../ports/artifact-store.ts';
import { projectBaseline } from '../compose-cycle-deps.ts';
import { loadProjectFile } from '../project-file.ts';
import type { DistributedFoundry } from './foundry.ts';
import { projectKeys, registerProject } from './project-registration.ts';
import { ingestTraceObject } from './trace-ingest.ts';

const PROJECT = join(import.meta.dirname, '../../../../examples/projects/household.yaml');

describe('trace-ingest', () => {
  let dir: string;
  let foundry: DistributedFoundry;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hx-ingest-'));
    const embedded = createEmbeddedFoundry(dir);
    foundry = { store: embedded.store, registry: embedded.registry, queue: createInProcessWorkQueue() };
    const loaded = await loadProjectFile(PROJECT);
    const project = { ...loaded.config, policies: { ...loaded.config.policies, triggerTraces: 2 } };
    await registerProject(foundry, { project, baselineSpec: await loadHarnessFile(loaded.baselinePath) });
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('ignores objects outside traces/<project>/', async () => {
    await foundry.store.put('uploads/x.json', '{}');
    expect(await ingestTraceObject(foundry, { key: 'uploads/x.json' })).toMatchObject({ status: 'ignored' });
  });

  it('rejects a file that is not a trace, with an error record holding the reason and the start of the file', async () => {
    await foundry.store.put('traces/household/bad.json', '{"resourceSpans": "nope"}');
    const outcome = await ingestTraceObject(foundry, { key: 'traces/household/bad.json' });
    expect(outcome.status).toBe('rejected');
    if (outcome.status !== 'rejected') return;
    const record = JSON.parse(Buffer.from((await foundry.store.get(outcome.errorRecord)) ?? []).toString());
    expect(record).toMatchObject({ source: 's3:traces/household/bad.json', code: 'INPUT_INVALID' });
    expect(record.reason).toContain('resourceSpans');
    expect(record.excerpt).toContain('nope');
    expect(await foundry.registry.increment('pending-traces:household', 0)).toBe(0);
  });

  it('rejects a trace for a project nobody registered', async () => {
    await foundry.store.put('traces/orchard/run.json', '{}');
    const outcome = await ingestTraceObject(foundry, { key: 'traces/orchard/run.json' });
    expect(outcome).toMatchObject({ status: 'rejected' });
    expect(outcome.status === 'rejected' && outcome.reason).toContain('no project "orchard" is registered');
  });

  it('rejects a valid OTLP file that holds no agent trajectory', async () => {
    await foundry.store.put('traces/household/empty.json', '{"resourceSpans": []}');
    const outcome = await ingestTraceObject(foundry, { key: 'traces/household/empty.json' });
    expect(outcome.status === 'rejected' && outcome.reason).toContain('no agent trajectory');
  });

  it('deletes the inbox entries a cycle takes and keeps those that arrive while it runs', async () => {
    const trace = await readFile(
      join(import.meta.dirname, '../../trace/fixtures/foreign-openai-messages.otlp.json'),
    );
    const upload = async (name: string) => {
      await foundry.store.put(`traces/household/${name}.json`, trace);
      return ingestTraceObject(foundry, { key: `traces/household/${name}.json` });
    };
    expect(await upload('a')).toMatchObject({ status: 'recorded' });
    expect(await foundry.store.list('inbox/household/')).toHaveLength(1);
    expect(await upload('b')).toMatchObject({ status: 'recorded', startedCycle: 'household-c001' });
    expect(await foundry.store.list('inbox/household/')).toEqual([]);
    const state = JSON.parse(
      Buffer.from((await foundry.store.get(storeKeys.cycleState('household-c001'))) ?? []).toString(),
    );
    expect(state.artifacts.uploadedTraces).toEqual(['traces/household/a.json', 'traces/household/b.json']);
    // The cycle holds the project's lease: this one waits in the inbox for the next cycle.
    expect(await upload('c')).not.toHaveProperty('startedCycle');
    expect(await foundry.store.list('inbox/household/')).toHaveLength(1);
  });

  it('publishes the baseline at the first cycle when only the project files were deployed (the CDK path)', async () => {
    const loaded = await loadProjectFile(PROJECT);
    const baseline = projectBaseline(loaded.config, await loadHarnessFile(loaded.baselinePath));
    const deployedDir = await mkdtemp(join(tmpdir(), 'hx-deployed-'));
    const embedded = createEmbeddedFoundry(deployedDir);
    const deployed = {
      store: embedded.store,
      registry: embedded.registry,
      queue: createInProcessWorkQueue(),
    };
    await deployed.store.put(projectKeys.config('household'), canonicalJson(loaded.config));
    await deployed.store.put(projectKeys.baseline('household'), canonicalJson(baseline));
    const trace = await readFile(
      join(import.meta.dirname, '../../trace/fixtures/foreign-openai-messages.otlp.json'),
    );
    await deployed.store.put('traces/household/prod/run.json', trace);
    const outcome = await ingestTraceObject(deployed, { key: 'traces/household/prod/run.json' });
    expect(outcome).toMatchObject({ status: 'recorded', startedCycle: 'household-c001' });
    expect(await deployed.registry.getCurrent(baseline.name)).toMatchObject({
      contentId: harnessContentId(baseline),
      version: 1,
    });
    const [digest] = await deployed.queue.receive('digest');
    expect(digest?.message).toMatchObject({ type: 'digest', cycleId: 'household-c001' });
    await rm(deployedDir, { recursive: true, force: true });
  });
});
