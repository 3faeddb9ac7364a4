/**
 * The first half of a cycle: measure the current version (baseline), digest its adaptation traces,
 * plan edits and evolve candidates. The held-out evaluation made here feeds only the gate and the
 * report; digest, plan and evolve see adaptation data alone.
 */
import { type Candidate, candidateArtifact } from '../artifacts/candidate.ts';
import type { CycleState } from '../artifacts/cycle-state.ts';
import { digestArtifact } from '../artifacts/digest.ts';
import { evaluationArtifact } from '../artifacts/evaluation.ts';
import { type LeverHistory, planArtifact } from '../artifacts/plan.ts';
import { digestTrajectories, refineDigestClusters } from '../digest/index.ts';
import { evolveCandidates } from '../evolve/index.ts';
import { planCycle } from '../plan/index.ts';
import { readArtifact, readStoredTrajectories, requireArtifact, writeArtifact } from './artifact-io.ts';
import { evaluateCached } from './cached-evaluation.ts';
import { addTokens, cycleArtifactKey, loadVersionSpec } from './cycle-context.ts';
import type { CycleDeps } from './cycle-deps.ts';
import { leverHistoryKey, leverHistorySchemaList } from './lever-history.ts';
import { proposeMetaCandidate } from './meta-candidates.ts';

export async function runBaselineStage(deps: CycleDeps, state: CycleState): Promise<CycleState> {
  const spec = await loadVersionSpec(deps, state.currentContentId);
  const seed = deps.project.policies.seed;
  const base = {
    cycleId: state.cycleId,
    stage: 'baseline' as const,
    spec,
    contentId: state.currentContentId,
  };
  const adaptation = await evaluateCached(deps, { ...base, split: 'adaptation', seed });
  addTokens(state, 'baseline', adaptation.evaluation, adaptation.ran);
  const replicate = await evaluateCached(deps, { ...base, split: 'adaptation', seed: seed + 1 });
  addTokens(state, 'baseline', replicate.evaluation, replicate.ran);
  const heldout = await evaluateCached(deps, { ...base, split: 'heldout', seed });
  addTokens(state, 'baseline', heldout.evaluation, heldout.ran);
  return {
    ...state,
    stage: 'digest',
    artifacts: {
      ...state.artifacts,
      baselineAdaptation: adaptation.key,
      baselineReplicate: replicate.key,
      baselineHeldout: heldout.key,
    },
  };
}

export async function runDigestStage(deps: CycleDeps, state: CycleState): Promise<CycleState> {
  const evaluation = await requireArtifact(
    deps.store,
    state.artifacts.baselineAdaptation ?? '',
    evaluationArtifact,
  );
  // Traces a project's own agents uploaded (serverless foundry) are digested with the suite's.
  const trajectories = await readStoredTrajectories(deps.store, [
    ...evaluation.traceKeys,
    ...(state.artifacts.uploadedTraces ?? []),
  ]);
  let digest = digestTrajectories(trajectories, {
    cycleId: state.cycleId,
    harnessContentId: state.currentContentId,
  });
  if (deps.meta) {
    // The optional meta-model pass refines the largest clusters only; a failure keeps the digest as is.
    const refined = await refineDigestClusters(digest, deps.meta, deps.signal ? { signal: deps.signal } : {});
    digest = refined.digest;
    state.tokensByStage.digest = {
      input: refined.usage.inputTokens,
      output: refined.usage.outputTokens,
      costUsd: refined.usage.costUsd,
    };
  }
  const key = await writeArtifact(
    deps.store,
    `digests/${state.cycleId}/digest.json`,
    digestArtifact.parse(digest),
  );
  return { ...state, stage: 'plan', artifacts: { ...state.artifacts, digest: key } };
}

export async function loadLeverHistory(deps: CycleDeps): Promise<LeverHistory[]> {
  return (await readArtifact(deps.store, leverHistoryKey(deps.project.name), leverHistorySchemaList)) ?? [];
}

export async function runPlanStage(deps: CycleDeps, state: CycleState): Promise<CycleState> {
  const digestKey = state.artifacts.digest ?? '';
  const digest = await requireArtifact(deps.store, digestKey, digestArtifact);
  const current = await loadVersionSpec(deps, state.currentContentId);
  const plan = planCycle({
    cycleId: state.cycleId,
    digestKey,
    digest,
    current,
    leverHistory: await loadLeverHistory(deps),
  });
  const key = await writeArtifact(deps.store, `plans/${state.cycleId}/plan.json`, planArtifact.parse(plan));
  return { ...state, stage: 'evolve', artifacts: { ...state.artifacts, plan: key } };
}

export async function runEvolveStage(deps: CycleDeps, state: CycleState): Promise<CycleState> {
  const plan = await requireArtifact(deps.store, state.artifacts.plan ?? '', planArtifact);
  const digest = await requireArtifact(deps.store, state.artifacts.digest ?? '', digestArtifact);
  const current = await loadVersionSpec(deps, state.currentContentId);
  const candidates: Candidate[] = evolveCandidates({
    cycleId: state.cycleId,
    plan,
    digest,
    current,
    currentContentId: state.currentContentId,
    K: deps.project.policies.candidates,
  });
  if (deps.meta) {
    // One slot goes to the meta-model's code processor: the last catalogue candidate makes room.
    const meta = await proposeMetaCandidate({
      cycleId: state.cycleId,
      candidateId: `${state.cycleId}-m1`,
      plan,
      digest,
      current,
      currentContentId: state.currentContentId,
      model: deps.meta,
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
    const spent = state.tokensByStage.evolve ?? { input: 0, output: 0, costUsd: 0 };
    state.tokensByStage.evolve = {
      input: spent.input + meta.usage.input,
      output: spent.output + meta.usage.output,
      costUsd: spent.costUsd + meta.usage.costUsd,
    };
    if (meta.candidate && !candidates.some((c) => c.contentId === meta.candidate?.contentId)) {
      if (candidates.length >= deps.project.policies.candidates) candidates.pop();
      candidates.push(meta.candidate);
    }
    deps.emit({
      type: 'candidate',
      cycleId: state.cycleId,
      candidateId: `${state.cycleId}-m1`,
      status: meta.candidate ? 'meta-model proposal smoke-tested' : 'meta-model proposal dropped',
      detail: meta.reason ?? '',
    });
  }
  const keys: string[] = [];
  for (const candidate of candidates) {
    keys.push(
      await writeArtifact(
        deps.store,
        cycleArtifactKey(state.cycleId, `candidates/${candidate.candidateId}.json`),
        candidateArtifact.parse(candidate),
      ),
    );
    deps.emit({
      type: 'candidate',
      cycleId: state.cycleId,
      candidateId: candidate.candidateId,
      status: 'proposed',
      detail: candidate.manifest.changes.map((c) => `${c.kind} ${c.target}`).join(', '),
    });
  }
  return { ...state, stage: 'evaluate', artifacts: { ...state.artifacts, candidates: keys } };
}
