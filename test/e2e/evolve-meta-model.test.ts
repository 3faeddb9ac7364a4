/**
 * The meta-model edit source inside a real cycle: with a `meta` model configured (here the
 * ScriptedMetaModel test double), evolve offers the top structural hypothesis to it; good code
 * becomes a smoke-tested, evaluated and judged code-processor candidate, hostile code is dropped
 * with its reason and never evaluated.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EvolutionEvent } from '../../harness-core/src/aegis/pipeline/cycle-deps.ts';
import { collectEvolutionReport } from '../../harness-core/src/aegis/pipeline/report-data.ts';
import { runEvolution } from '../../harness-core/src/aegis/pipeline/run-evolution.ts';
import { composeFoundry } from '../../harness-core/src/cli/foundry-deps.ts';
import {
  type MetaModelBehaviour,
  ScriptedMetaModel,
} from '../../harness-core/src/testing/scripted-meta-model.ts';

const root = join(import.meta.dirname, '..', '..');

async function oneCycle(behaviour: MetaModelBehaviour) {
  const events: EvolutionEvent[] = [];
  const { deps, baselineSpec } = await composeFoundry({
    projectPath: join(root, 'examples/projects/household.yaml'),
    out: await mkdtemp(join(tmpdir(), 'harnessx-meta-')),
    fresh: true,
    env: {},
    signal: new AbortController().signal,
    emit: (event) => events.push(event),
  });
  deps.meta = new ScriptedMetaModel(behaviour);
  const summary = await runEvolution(deps, { baselineSpec, maxCycles: 1, owner: 'meta-test' });
  return { events, report: await collectEvolutionReport(deps, summary) };
}

describe('evolve with a meta-model (ScriptedMetaModel double)', () => {
  it('turns good code into a sandboxed, evaluated and judged candidate', async () => {
    const { report } = await oneCycle('good');
    const meta = report.cycles[0]?.candidates.find(
      (c) => c.candidate.manifest.attribution.source === 'meta-model',
    );
    expect(meta?.candidate.manifest.changes[0]?.kind).toBe('add-code-processor');
    expect(meta?.candidate.spec.processors.some((p) => 'code' in p)).toBe(true);
    expect(meta?.adaptation?.successRate).toBeGreaterThanOrEqual(0);
    expect(meta?.verdict).toBeDefined();
    expect(report.cycles[0]?.state.tokensByStage.evolve?.input).toBeGreaterThan(0);
    // The digest's optional meta-model pass was offered the top clusters (and its spend recorded).
    expect(report.cycles[0]?.state.tokensByStage.digest?.input).toBeGreaterThan(0);
  }, 300_000);

  it('drops code that loops forever before evaluation, with the reason', async () => {
    const { events, report } = await oneCycle('infinite-loop');
    expect(
      report.cycles[0]?.candidates.some((c) => c.candidate.manifest.attribution.source === 'meta-model'),
    ).toBe(false);
    const dropped = events.find((e) => e.type === 'candidate' && e.status === 'meta-model proposal dropped');
    expect(dropped && 'detail' in dropped ? dropped.detail : '').toMatch(/smoke|SANDBOX/i);
  }, 300_000);
});
