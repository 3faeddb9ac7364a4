/**
 * `harnessx evolve` on the embedded default, asserted on a fixed seed: the baseline household
 * harness gains at least 30 held-out points within 8 cycles through a chain of accepted single-edit
 * candidates, each with its manifest and an all-pass gate decision; and the run is deterministic.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  collectEvolutionReport,
  type EvolutionReportData,
} from '../../harness-core/src/aegis/pipeline/report-data.ts';
import { type EvolutionSummary, runEvolution } from '../../harness-core/src/aegis/pipeline/run-evolution.ts';
import { composeFoundry } from '../../harness-core/src/cli/foundry-deps.ts';
import { harnessContentId } from '../../harness-core/src/harness/canonical.ts';
import { loadHarnessFile } from '../../harness-core/src/harness/load.ts';

const root = join(import.meta.dirname, '..', '..');
const project = join(root, 'examples/projects/household.yaml');

async function evolve(cycles: number): Promise<{ summary: EvolutionSummary; report: EvolutionReportData }> {
  const out = await mkdtemp(join(tmpdir(), 'harnessx-evolve-'));
  const { deps, baselineSpec } = await composeFoundry({
    projectPath: project,
    out,
    fresh: true,
    env: {},
    signal: new AbortController().signal,
    emit: () => {},
  });
  const summary = await runEvolution(deps, { baselineSpec, maxCycles: cycles, owner: 'test' });
  return { summary, report: await collectEvolutionReport(deps, summary) };
}

describe('harnessx evolve on the household project (fixed seed)', () => {
  let summary: EvolutionSummary;
  let report: EvolutionReportData;

  beforeAll(async () => {
    ({ summary, report } = await evolve(8));
  }, 600_000);

  it('raises held-out success by at least 30 points within 8 cycles', () => {
    expect(summary.cycles).toBeLessThanOrEqual(8);
    expect(summary.final.heldout - summary.baseline.heldout).toBeGreaterThanOrEqual(0.3);
  });

  it('gets there through a chain of accepted single-edit candidates with complete gate decisions', () => {
    expect(summary.accepted).toBeGreaterThanOrEqual(1);
    expect(report.chain.length).toBe(summary.accepted + 1);
    for (const link of report.chain.slice(1)) {
      const cycle = report.cycles.find((c) => c.state.cycleId === link.cycleId);
      const accepted = cycle?.candidates.find((c) => c.candidate.candidateId === link.candidateId);
      expect(accepted?.candidate.manifest.attribution.source).toBe('catalogue');
      expect(accepted?.candidate.manifest.changes.length).toBeGreaterThanOrEqual(1);
      expect(accepted?.verdict?.decision).toBe('pass');
      expect(accepted?.gate?.accepted).toBe(true);
      expect(accepted?.gate?.rules.map((r) => r.outcome)).toEqual(Array(6).fill('pass'));
    }
  });

  it('never jumps to the shipped tuned harness: the final version is a different spec', async () => {
    const tuned = await loadHarnessFile(join(root, 'examples/harnesses/tuned.yaml'));
    expect(summary.final.contentId).not.toBe(harnessContentId(tuned));
    for (const cycle of report.cycles) {
      for (const { candidate } of cycle.candidates) {
        const added = candidate.manifest.changes.filter((c) => c.kind === 'add-processor');
        expect(added.length).toBeLessThanOrEqual(1);
      }
    }
  });

  it('records a reason for every rejected candidate', () => {
    for (const rejection of summary.rejected) expect(rejection.reasons.length).toBeGreaterThan(0);
  });

  it('is deterministic: the same seed gives the same first cycle', async () => {
    const again = await evolve(1);
    const first = report.cycles[0]?.state;
    const second = again.report.cycles[0]?.state;
    expect(second?.outcome).toEqual(first?.outcome);
    expect(again.report.cycles[0]?.candidates.map((c) => c.candidate.contentId)).toEqual(
      report.cycles[0]?.candidates.map((c) => c.candidate.contentId),
    );
  }, 600_000);
});
