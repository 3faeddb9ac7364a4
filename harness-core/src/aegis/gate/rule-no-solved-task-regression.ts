/**
 * Gate rule 4: no task the current version solves regresses beyond the measured noise floor.
 *
 * - Solved: the current version's adaptation evaluation succeeded on the task in at least
 *   ceil(solvedFraction × n) of its n rollouts (2 of 3 by default).
 * - Null flip probability q: the noise floor pooled over the solved tasks (`noise-floor.ts`):
 *   how often the same version disagrees with itself on those tasks, at least 3 / N.
 * - Per solved task, one-sided exact binomial test: with x the candidate's failures in its n_c
 *   rollouts, p = P(X ≥ x) for X ~ Binomial(n_c, q) — how likely that many failures are if the
 *   candidate were the current version again.
 * - Holm–Bonferroni across the solved tasks at family-wise α (0.05 by default): a task regressed
 *   when Holm rejects it. One bad draw among thirty tasks does not sink a candidate; a task that
 *   falls from solved to failing in every rollout does, once k is large enough to show it.
 */
import { InputError } from '../../errors.ts';
import { countTaskOutcomes, type TaskOutcomeCounts } from './evaluation-counts.ts';
import { binomialUpperTail, holmBonferroni } from './exact-tests.ts';
import { formatRate, type GateContext, type RuleOutcome } from './gate-context.ts';
import { assertCandidateEvaluation } from './gate-input.ts';
import { poolNoiseFloor } from './noise-floor.ts';

export interface TaskRegression {
  taskId: string;
  difficulty: number;
  currentSuccesses: number;
  replicateSuccesses: number;
  rollouts: number;
  candidateSuccesses: number;
  candidateRollouts: number;
  pValue: number;
  holmThreshold: number;
}

export function isSolved(task: TaskOutcomeCounts, solvedFraction: number): boolean {
  return task.rollouts > 0 && task.successes >= Math.ceil(solvedFraction * task.rollouts);
}

export function checkNoSolvedTaskRegression(context: GateContext): RuleOutcome {
  const { input, options } = context;
  const current = context.currentAdaptationCounts();
  const flips = context.taskFlips();
  const solved = [...current.values()].filter((task) => isSolved(task, options.solvedFraction));
  const solvedIds = new Set(solved.map((task) => task.taskId));
  const noise = poolNoiseFloor(flips.filter((flip) => solvedIds.has(flip.taskId)));
  const candidateEvaluation = assertCandidateEvaluation(
    'candidateAdaptation',
    input.evaluations.candidateAdaptation,
    input.candidate.contentId,
  );
  const candidate = countTaskOutcomes(candidateEvaluation, 'evaluations.candidateAdaptation');
  const missing = solved.filter((task) => !candidate.has(task.taskId)).map((task) => task.taskId);
  if (missing.length > 0) {
    throw new InputError('gate input', 'decideGate', [
      {
        path: 'evaluations.candidateAdaptation.tasks',
        message: `missing solved task(s) ${missing.join(', ')}`,
      },
    ]);
  }
  const q = noise.flipProbability;
  const tests = solved.map((task) => {
    const outcome = candidate.get(task.taskId)!;
    return {
      id: task.taskId,
      pValue: binomialUpperTail(outcome.rollouts, outcome.rollouts - outcome.successes, q),
    };
  });
  const holm = holmBonferroni(tests, options.regressionAlpha);
  const flipsById = new Map(flips.map((flip) => [flip.taskId, flip]));
  const regressed: TaskRegression[] = holm
    .filter((test) => test.rejected)
    .map((test) => {
      const task = current.get(test.id)!;
      const outcome = candidate.get(test.id)!;
      return {
        taskId: test.id,
        difficulty: task.difficulty,
        currentSuccesses: task.successes,
        replicateSuccesses: flipsById.get(test.id)!.replicateSuccesses,
        rollouts: task.rollouts,
        candidateSuccesses: outcome.successes,
        candidateRollouts: outcome.rollouts,
        pValue: test.pValue,
        holmThreshold: test.threshold,
      };
    });
  const inputs = {
    solvedRule: `successes >= ceil(${options.solvedFraction} x rollouts) in the current adaptation evaluation`,
    solvedTaskIds: [...solvedIds],
    noiseFloor: noise,
    test: 'one-sided exact binomial upper tail, null failure probability = noise floor',
    correction: 'holm-bonferroni',
    alpha: options.regressionAlpha,
    smallestPValue: holm[0]?.pValue ?? 1,
    regressed,
  };
  if (solved.length === 0) {
    return {
      outcome: 'pass',
      inputs,
      detail: 'the current version solves no adaptation task: nothing can regress',
    };
  }
  const floor = `noise floor ${formatRate(q)} (measured ${formatRate(noise.measuredFlipRate)} over ${noise.rollouts} rollouts)`;
  if (regressed.length === 0) {
    return {
      outcome: 'pass',
      inputs,
      detail: `none of ${solved.length} solved tasks regressed beyond the ${floor}, Holm α = ${options.regressionAlpha}`,
    };
  }
  const listed = regressed
    .map(
      (task) =>
        `${task.taskId} ${task.currentSuccesses}/${task.rollouts} → ${task.candidateSuccesses}/${task.candidateRollouts}` +
        ` (p = ${task.pValue.toExponential(2)} ≤ ${task.holmThreshold.toExponential(2)})`,
    )
    .join(', ');
  return {
    outcome: 'fail',
    inputs,
    detail: `${regressed.length} of ${solved.length} solved task(s) regressed beyond the ${floor}, Holm α = ${options.regressionAlpha}: ${listed}`,
  };
}
