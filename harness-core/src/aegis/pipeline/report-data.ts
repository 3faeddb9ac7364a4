/**
 * Everything the evolution report shows, collected from the stored artifacts (not from memory),
 * so a report can be rebuilt from the store alone, e.g. after a resumed run.
 */
import { type Candidate, candidateArtifact } from '../artifacts/candidate.ts';
import type { CycleState } from '../artifacts/cycle-state.ts';
import { type Evaluation, evaluationArtifact } from '../artifacts/evaluation.ts';
import { type GateDecision, gateDecisionArtifact } from '../artifacts/gate-decision.ts';
import { type Verdict, verdictArtifact } from '../artifacts/verdict.ts';
import { readArtifact } from './artifact-io.ts';
import type { CycleDeps } from './cycle-deps.ts';
import type { EvolutionSummary } from './run-evolution.ts';

export interface CandidateReport {
  candidate: Candidate;
  adaptation?: Evaluation;
  heldout?: Evaluation;
  verdict?: Verdict;
  gate?: GateDecision;
}

export interface CycleReport {
  state: CycleState;
  currentAdaptation?: Evaluation;
  currentHeldout?: Evaluation;
  candidates: CandidateReport[];
}

export interface EvolutionReportData {
  project: string;
  summary: Omit<EvolutionSummary, 'cycleStates'>;
  cycles: CycleReport[];
  /** The chain of versions: baseline first, then each accepted candidate's content id. */
  chain: { contentId: string; cycleId?: string; candidateId?: string }[];
  /** Per version in the chain, its evaluation on each split (for the task x version matrix). */
  versionEvaluations: { contentId: string; adaptation?: Evaluation; heldout?: Evaluation }[];
}

async function maybe<T>(
  deps: CycleDeps,
  key: string | undefined,
  codec: { parse(v: unknown, s?: string): T },
) {
  return key === undefined ? undefined : readArtifact(deps.store, key, codec);
}

export async function collectEvolutionReport(
  deps: CycleDeps,
  summary: EvolutionSummary,
): Promise<EvolutionReportData> {
  const cycles: CycleReport[] = [];
  for (const state of summary.cycleStates) {
    const candidates: CandidateReport[] = [];
    for (const key of state.artifacts.candidates ?? []) {
      const candidate = await readArtifact(deps.store, key, candidateArtifact);
      if (!candidate) continue;
      const id = candidate.candidateId;
      const gateKey = (state.artifacts.gate ?? []).find((k) => k.endsWith(`/${id}.json`));
      const adaptation = await maybe(deps, state.artifacts.evaluations?.[id], evaluationArtifact);
      const heldout = await maybe(deps, state.artifacts.heldout?.[id], evaluationArtifact);
      const verdict = await maybe(deps, state.artifacts.verdicts?.[id], verdictArtifact);
      const gate = await maybe(deps, gateKey, gateDecisionArtifact);
      candidates.push({
        candidate,
        ...(adaptation ? { adaptation } : {}),
        ...(heldout ? { heldout } : {}),
        ...(verdict ? { verdict } : {}),
        ...(gate ? { gate } : {}),
      });
    }
    const currentAdaptation = await maybe(deps, state.artifacts.baselineAdaptation, evaluationArtifact);
    const currentHeldout = await maybe(deps, state.artifacts.baselineHeldout, evaluationArtifact);
    cycles.push({
      state,
      ...(currentAdaptation ? { currentAdaptation } : {}),
      ...(currentHeldout ? { currentHeldout } : {}),
      candidates,
    });
  }
  const chain: EvolutionReportData['chain'] = [{ contentId: summary.baseline.contentId }];
  for (const cycle of cycles) {
    const outcome = cycle.state.outcome;
    if (outcome?.status === 'accepted' && outcome.newContentId) {
      chain.push({
        contentId: outcome.newContentId,
        cycleId: cycle.state.cycleId,
        ...(outcome.acceptedCandidateId ? { candidateId: outcome.acceptedCandidateId } : {}),
      });
    }
  }
  const versionEvaluations = chain.map(({ contentId }) => {
    const cycle = cycles.find((c) => c.state.currentContentId === contentId);
    const accepted = cycles.flatMap((c) => c.candidates).find((c) => c.candidate.contentId === contentId);
    const adaptation = cycle?.currentAdaptation ?? accepted?.adaptation;
    const heldout = cycle?.currentHeldout ?? accepted?.heldout;
    return { contentId, ...(adaptation ? { adaptation } : {}), ...(heldout ? { heldout } : {}) };
  });
  const { cycleStates: _omitted, ...rest } = summary;
  return { project: deps.project.name, summary: rest, cycles, chain, versionEvaluations };
}
