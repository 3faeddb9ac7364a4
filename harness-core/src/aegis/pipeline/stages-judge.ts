/**
 * The second half of a cycle: evaluate the candidates on the adaptation split, let the critic judge
 * them, run the deterministic gate (which alone sees the held-out split), and publish the winner
 * as a new immutable version by moving `current` with compare-and-swap.
 */
import { canonicalJson } from '../../harness/canonical.ts';
import { storeKeys } from '../../ports/artifact-store.ts';
import { type Candidate, candidateArtifact } from '../artifacts/candidate.ts';
import type { CycleState } from '../artifacts/cycle-state.ts';
import { type Evaluation, evaluationArtifact } from '../artifacts/evaluation.ts';
import { gateDecisionArtifact } from '../artifacts/gate-decision.ts';
import { planArtifact } from '../artifacts/plan.ts';
import { type Verdict, verdictArtifact } from '../artifacts/verdict.ts';
import { judgeCandidate } from '../critic/index.ts';
import { decideGate, gateRejectionReasons } from '../gate/index.ts';
import { updateLeverHistory } from '../plan/lever-history.ts';
import { readArtifact, requireArtifact, writeArtifact, writeMutable } from './artifact-io.ts';
import { heldoutCounts, loadBestAccepted, recordAccepted } from './best-accepted.ts';
import { evaluateCached } from './cached-evaluation.ts';
import { addTokens, cycleArtifactKey, loadVersionSpec } from './cycle-context.ts';
import { recordCycleDataset } from './cycle-dataset.ts';
import type { CycleDeps } from './cycle-deps.ts';
import { leverHistoryKey } from './lever-history.ts';
import { loadLeverHistory } from './stages-analyse.ts';

async function loadCandidates(deps: CycleDeps, state: CycleState): Promise<Candidate[]> {
  return Promise.all(
    (state.artifacts.candidates ?? []).map((key) => requireArtifact(deps.store, key, candidateArtifact)),
  );
}

export async function runEvaluateStage(deps: CycleDeps, state: CycleState): Promise<CycleState> {
  const evaluations: Record<string, string> = { ...state.artifacts.evaluations };
  for (const candidate of await loadCandidates(deps, state)) {
    if (evaluations[candidate.candidateId]) continue;
    const result = await evaluateCached(deps, {
      cycleId: state.cycleId,
      stage: 'evaluate',
      spec: candidate.spec,
      contentId: candidate.contentId,
      candidateId: candidate.candidateId,
      split: 'adaptation',
      seed: deps.project.policies.seed,
    });
    addTokens(state, 'evaluate', result.evaluation, result.ran);
    evaluations[candidate.candidateId] = result.key;
    deps.emit({
      type: 'candidate',
      cycleId: state.cycleId,
      candidateId: candidate.candidateId,
      status: 'evaluated',
      detail: `adaptation ${(result.evaluation.successRate * 100).toFixed(1)}%`,
    });
    // Saved per candidate, so a resumed evaluate stage skips the ones already done.
    state.artifacts.evaluations = { ...evaluations };
    await writeMutable(deps.store, storeKeys.cycleState(state.cycleId), state);
  }
  return { ...state, stage: 'critic', artifacts: { ...state.artifacts, evaluations } };
}

export async function runCriticStage(deps: CycleDeps, state: CycleState): Promise<CycleState> {
  const parentSpec = await loadVersionSpec(deps, state.currentContentId);
  const currentEvaluation = await requireArtifact(
    deps.store,
    state.artifacts.baselineAdaptation ?? '',
    evaluationArtifact,
  );
  const verdicts: Record<string, string> = {};
  for (const candidate of await loadCandidates(deps, state)) {
    const candidateEvaluation = await requireArtifact(
      deps.store,
      state.artifacts.evaluations?.[candidate.candidateId] ?? '',
      evaluationArtifact,
    );
    const judge = (revision: Candidate) =>
      judgeCandidate({
        candidate: revision,
        parentSpec,
        candidateEvaluation,
        currentEvaluation,
        leakageCorpus: deps.leakageCorpus,
      });
    let verdict: Verdict = judge(candidate);
    if (verdict.decision === 'revise') {
      // The one revision round: catalogue edits have no alternative form, so the revision keeps the
      // edit and the critic's second look records the warning it keeps (the policy passes or rejects).
      verdict = judge(candidateArtifact.parse({ ...candidate, revision: 1 }));
    }
    verdicts[candidate.candidateId] = await writeArtifact(
      deps.store,
      cycleArtifactKey(state.cycleId, `verdicts/${candidate.candidateId}.json`),
      verdictArtifact.parse(verdict),
    );
    deps.emit({
      type: 'candidate',
      cycleId: state.cycleId,
      candidateId: candidate.candidateId,
      status: `critic ${verdict.decision}`,
      detail: verdict.reasons.join('; '),
    });
  }
  return { ...state, stage: 'gate', artifacts: { ...state.artifacts, verdicts } };
}

/** Candidates the critic passed, best adaptation success first (ties: reward, then id). */
async function gateOrder(
  deps: CycleDeps,
  state: CycleState,
): Promise<{ candidate: Candidate; evaluation: Evaluation }[]> {
  const out: { candidate: Candidate; evaluation: Evaluation }[] = [];
  for (const candidate of await loadCandidates(deps, state)) {
    const verdict = await requireArtifact(
      deps.store,
      state.artifacts.verdicts?.[candidate.candidateId] ?? '',
      verdictArtifact,
    );
    if (verdict.decision !== 'pass') continue;
    const key = state.artifacts.evaluations?.[candidate.candidateId] ?? '';
    out.push({ candidate, evaluation: await requireArtifact(deps.store, key, evaluationArtifact) });
  }
  return out.sort(
    (a, b) =>
      b.evaluation.successRate - a.evaluation.successRate ||
      b.evaluation.meanReward - a.evaluation.meanReward ||
      a.candidate.candidateId.localeCompare(b.candidate.candidateId),
  );
}

export async function runGateStage(deps: CycleDeps, state: CycleState): Promise<CycleState> {
  const parentSpec = await loadVersionSpec(deps, state.currentContentId);
  const load = (key: string | undefined) => requireArtifact(deps.store, key ?? '', evaluationArtifact);
  const currentAdaptation = await load(state.artifacts.baselineAdaptation);
  const currentReplicate = await load(state.artifacts.baselineReplicate);
  const currentHeldout = await load(state.artifacts.baselineHeldout);
  const bestAccepted = await loadBestAccepted(deps);
  const gateKeys: string[] = [];
  const heldout: Record<string, string> = {};
  let accepted: Candidate | undefined;
  for (const { candidate, evaluation } of await gateOrder(deps, state)) {
    const decision = await decideGate({
      cycleId: state.cycleId,
      candidate,
      parentSpec,
      currentContentId: state.currentContentId,
      build: deps.build,
      ...(bestAccepted ? { bestAccepted } : {}),
      evaluations: {
        currentAdaptation,
        currentReplicate,
        candidateAdaptation: evaluation,
        currentHeldout,
        candidateHeldout: async () => {
          const result = await evaluateCached(deps, {
            cycleId: state.cycleId,
            stage: 'gate',
            spec: candidate.spec,
            contentId: candidate.contentId,
            candidateId: candidate.candidateId,
            split: 'heldout',
            seed: deps.project.policies.seed,
          });
          addTokens(state, 'gate', result.evaluation, result.ran);
          heldout[candidate.candidateId] = result.key;
          return result.evaluation;
        },
      },
    });
    gateKeys.push(
      await writeArtifact(
        deps.store,
        cycleArtifactKey(state.cycleId, `gate/${candidate.candidateId}.json`),
        gateDecisionArtifact.parse(decision),
      ),
    );
    deps.emit({
      type: 'candidate',
      cycleId: state.cycleId,
      candidateId: candidate.candidateId,
      status: decision.accepted ? 'gate accepted' : 'gate rejected',
      detail: decision.accepted ? '' : gateRejectionReasons(decision).join('; '),
    });
    if (decision.accepted) {
      accepted = candidate;
      break;
    }
  }
  const outcome = accepted
    ? {
        status: 'accepted' as const,
        acceptedCandidateId: accepted.candidateId,
        newContentId: accepted.contentId,
        reasons: [],
      }
    : {
        status: 'rejected' as const,
        reasons: [gateKeys.length === 0 ? 'no candidate passed the critic' : 'no candidate passed the gate'],
      };
  return { ...state, stage: 'publish', outcome, artifacts: { ...state.artifacts, gate: gateKeys, heldout } };
}

export async function runPublishStage(deps: CycleDeps, state: CycleState): Promise<CycleState> {
  const plan = await requireArtifact(deps.store, state.artifacts.plan ?? '', planArtifact);
  const outcome = state.outcome ?? { status: 'rejected' as const, reasons: ['the gate recorded no outcome'] };
  let acceptedHypothesisId: string | undefined;
  let unlockedTaskIds: string[] = [];
  let finalOutcome = outcome;
  if (outcome.status === 'accepted' && outcome.acceptedCandidateId && outcome.newContentId) {
    const candidate = (await loadCandidates(deps, state)).find(
      (c) => c.candidateId === outcome.acceptedCandidateId,
    );
    if (candidate) {
      await deps.store.putImmutable(
        storeKeys.harnessVersion(deps.harnessName, candidate.contentId),
        canonicalJson(candidate.spec),
      );
      const current = await deps.registry.getCurrent(deps.harnessName);
      const alreadyMoved = current?.contentId === candidate.contentId;
      const moved =
        alreadyMoved ||
        (await deps.registry.compareAndSetCurrent(
          deps.harnessName,
          state.currentContentId,
          candidate.contentId,
        ));
      if (!moved) {
        finalOutcome = {
          status: 'rejected',
          reasons: ['the current pointer moved during the cycle (compare-and-swap failed)'],
        };
      } else {
        acceptedHypothesisId = candidate.manifest.hypothesisId;
        unlockedTaskIds = await unlockedTasks(deps, state, candidate.candidateId);
        const heldoutKey = state.artifacts.heldout?.[candidate.candidateId];
        const heldout = heldoutKey
          ? await readArtifact(deps.store, heldoutKey, evaluationArtifact)
          : undefined;
        if (heldout) await recordAccepted(deps, heldoutCounts(candidate.contentId, heldout));
      }
    }
  }
  const history = updateLeverHistory(await loadLeverHistory(deps), {
    plan,
    ...(acceptedHypothesisId ? { acceptedHypothesisId } : {}),
    unlockedTaskIds,
  });
  await writeMutable(deps.store, leverHistoryKey(deps.project.name), history);
  await recordCycleDataset(deps, state);
  return { ...state, stage: 'done', outcome: finalOutcome };
}

/** Adaptation tasks the accepted candidate solves that the current version did not. */
async function unlockedTasks(deps: CycleDeps, state: CycleState, candidateId: string): Promise<string[]> {
  const load = (key: string | undefined) => requireArtifact(deps.store, key ?? '', evaluationArtifact);
  const before = await load(state.artifacts.baselineAdaptation);
  const after = await load(state.artifacts.evaluations?.[candidateId]);
  // Predictions name tasks no rollout solved; one counts as unlocked once any rollout solves it.
  const solvedBefore = new Set(before.tasks.filter((t) => t.successRate > 0).map((t) => t.taskId));
  return after.tasks.filter((t) => t.successRate > 0 && !solvedBefore.has(t.taskId)).map((t) => t.taskId);
}

/** Every candidate of a finished cycle that was not accepted, with the critic's or gate's reasons. */
export async function readRejections(
  deps: CycleDeps,
  state: CycleState,
): Promise<{ candidate: string; reasons: string[] }[]> {
  const out: { candidate: string; reasons: string[] }[] = [];
  for (const candidate of await loadCandidates(deps, state)) {
    const id = candidate.candidateId;
    if (id === state.outcome?.acceptedCandidateId) continue;
    const verdict = await readArtifact(deps.store, state.artifacts.verdicts?.[id] ?? '-', verdictArtifact);
    const gateKey = (state.artifacts.gate ?? []).find((key) => key.endsWith(`/${id}.json`));
    const gate = gateKey ? await readArtifact(deps.store, gateKey, gateDecisionArtifact) : undefined;
    const reasons =
      verdict && verdict.decision !== 'pass'
        ? verdict.reasons.map((r) => `critic: ${r}`)
        : gate
          ? gateRejectionReasons(gate).map((r) => `gate: ${r}`)
          : ['not examined: another candidate was accepted first'];
    out.push({ candidate: id, reasons });
  }
  return out;
}
