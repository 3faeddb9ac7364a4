/**
 * Hand-built specs, candidates and evaluations for the critic and gate tests: small k, few tasks,
 * outcomes written as strings ('S' success, 'F' failure, 'H' failure with half the reward).
 */
import { canonicalJson, harnessContentId, sha256Hex } from '../../../harness/canonical.ts';
import { type HarnessSpec, parseHarnessSpec } from '../../../harness/spec.ts';
import type { Candidate, Change } from '../../artifacts/candidate.ts';
import type { Evaluation } from '../../artifacts/evaluation.ts';

export const TEST_CYCLE_ID = 'household-c001';

/** The parent used by most tests: two processors, a listed tool set, the usual budgets. */
export function buildParentSpec(): HarnessSpec {
  return parseHarnessSpec({
    schemaVersion: 'harnessx.harness/1',
    name: 'household-test',
    models: { worker: { provider: 'simulated', model: 'harnessx-sim-small' } },
    processors: [
      { id: 'turn-observer' },
      { id: 'verify-before-finish' },
      { id: 'loop-guard', options: { maxRepeats: 3 } },
    ],
    slots: {
      systemPrompt: 'You are an agent acting in a household. Call finish when the task is done.',
      tools: { enabled: ['look', 'go', 'take', 'put', 'finish'] },
    },
    budgets: { maxTurns: 30, maxTokens: 200_000, maxToolCalls: 40, wallClockMs: 300_000 },
  });
}

/** A deep copy of `spec` changed by `mutate`, parsed again so that defaults are filled. */
export function mutateSpec(spec: HarnessSpec, mutate: (draft: HarnessSpec) => void): HarnessSpec {
  const draft = structuredClone(spec);
  mutate(draft);
  return parseHarnessSpec(JSON.parse(canonicalJson(draft)));
}

export interface CandidateProps {
  parent: HarnessSpec;
  spec: HarnessSpec;
  changes: Change[];
  candidateId?: string;
  revision?: 0 | 1;
  contentId?: string;
}

export function buildCandidate(props: CandidateProps): Candidate {
  const parentContentId = harnessContentId(props.parent);
  const spec = { ...props.spec, parent: parentContentId };
  return {
    schemaVersion: 'harnessx.candidate/1',
    cycleId: TEST_CYCLE_ID,
    candidateId: props.candidateId ?? 'c001-k1',
    parentContentId,
    contentId: props.contentId ?? harnessContentId(spec),
    spec,
    manifest: {
      hypothesisId: 'h1',
      lever: 'verification',
      kind: 'structural',
      changes: props.changes,
      capabilityEvidence: { cluster: 'early-finish', failureClass: 'early-finish', examples: [] },
      predictedImpact: { unlock: [], stabilise: [], atRisk: [] },
      attribution: { source: 'catalogue', edit: { operator: 'test-edit', params: {} } },
    },
    revision: props.revision ?? 0,
  };
}

export interface EvaluationProps {
  contentId: string;
  split?: 'adaptation' | 'heldout';
  seed?: number;
  candidateId?: string;
  /** Task id → outcomes ('SSF'), optionally with a difficulty (`{ outcomes, difficulty }`). */
  tasks: Record<string, string | { outcomes: string; difficulty: number }>;
}

const REWARDS: Record<string, number> = { S: 1, F: 0, H: 0.5 };

export function buildEvaluation(props: EvaluationProps): Evaluation {
  const seed = props.seed ?? 1;
  const tasks = Object.entries(props.tasks).map(([taskId, entry]) => {
    const { outcomes, difficulty } = typeof entry === 'string' ? { outcomes: entry, difficulty: 1 } : entry;
    const rollouts = [...outcomes].map((letter, index) => ({
      seed: seed * 1000 + index,
      outcome: letter === 'S' ? 'success' : 'failure',
      success: letter === 'S',
      reward: REWARDS[letter] ?? 0,
      steps: 5,
      traceId: sha256Hex(`${props.contentId}/${taskId}/${seed}/${index}`).slice(0, 32),
    }));
    const successes = rollouts.filter((rollout) => rollout.success).length;
    return {
      taskId,
      difficulty,
      rollouts,
      successRate: successes / rollouts.length,
      meanReward: rollouts.reduce((sum, rollout) => sum + rollout.reward, 0) / rollouts.length,
    };
  });
  const all = tasks.flatMap((task) => task.rollouts);
  return {
    schemaVersion: 'harnessx.evaluation/1',
    cycleId: TEST_CYCLE_ID,
    harnessContentId: props.contentId,
    ...(props.candidateId ? { candidateId: props.candidateId } : {}),
    suite: 'household',
    split: props.split ?? 'adaptation',
    k: Math.max(1, ...tasks.map((task) => task.rollouts.length)),
    seed,
    tasks,
    successRate: all.length === 0 ? 0 : all.filter((rollout) => rollout.success).length / all.length,
    meanReward: all.length === 0 ? 0 : all.reduce((sum, rollout) => sum + rollout.reward, 0) / all.length,
    tokens: { input: 1000, output: 100, costUsd: 0 },
    traceKeys: [`cycles/${TEST_CYCLE_ID}/traces/${props.contentId.slice(7, 19)}-s${seed}.otlp.json.gz`],
  };
}

/** `count` tasks named `t01`… with the same outcomes, spread over difficulties 1–3. */
export function uniformTasks(
  count: number,
  outcomes: string,
  prefix = 't',
): Record<string, { outcomes: string; difficulty: number }> {
  const tasks: Record<string, { outcomes: string; difficulty: number }> = {};
  for (let index = 1; index <= count; index++) {
    tasks[`${prefix}${String(index).padStart(2, '0')}`] = { outcomes, difficulty: ((index - 1) % 3) + 1 };
  }
  return tasks;
}
