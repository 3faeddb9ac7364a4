/**
 * The change manifest of a catalogue candidate: what changed, which hypothesis and evidence it
 * answers, the predicted impact and the edit that made it. Evidence comes from the digest cluster
 * when the digest is at hand, else from the hypothesis's own targets (its failing tasks).
 */
import type { ChangeManifest } from '../artifacts/candidate.ts';
import { FAILURE_CLASSES, type FailureClass } from '../artifacts/common.ts';
import type { Digest } from '../artifacts/digest.ts';
import type { Hypothesis } from '../artifacts/plan.ts';
import type { OperatorResult } from './operators/catalogue-operator.ts';

const MAX_EXAMPLES = 5;
const EXAMPLE_CHARS = 300;

/** Cluster ids are `<failure class>` or `<failure class>:<tool>` (see the digest's clustering). */
export function failureClassOfCluster(clusterId: string): FailureClass {
  const prefix = clusterId.split(':')[0] ?? '';
  return (FAILURE_CLASSES as readonly string[]).includes(prefix) ? (prefix as FailureClass) : 'unknown';
}

function evidence(
  hypothesis: Hypothesis,
  digest: Digest | undefined,
): { failureClass: string; examples: string[] } {
  const cluster = digest?.clusters.find((entry) => entry.id === hypothesis.targetCluster);
  if (cluster) {
    return {
      failureClass: cluster.failureClass,
      examples: cluster.evidence
        .slice(0, MAX_EXAMPLES)
        .map((span) => `${span.traceId} turn ${span.turn}: ${span.excerpt}`.slice(0, EXAMPLE_CHARS)),
    };
  }
  const tasks = [...hypothesis.predicted.unlock, ...hypothesis.predicted.stabilise].slice(0, MAX_EXAMPLES);
  return {
    failureClass: failureClassOfCluster(hypothesis.targetCluster),
    examples: tasks.map((task) => `task ${task} failed in cluster ${hypothesis.targetCluster}`),
  };
}

export function catalogueManifest(
  hypothesis: Hypothesis,
  result: OperatorResult,
  digest: Digest | undefined,
): ChangeManifest {
  const { failureClass, examples } = evidence(hypothesis, digest);
  return {
    hypothesisId: hypothesis.id,
    lever: hypothesis.lever,
    kind: hypothesis.kind,
    changes: result.changes,
    capabilityEvidence: { cluster: hypothesis.targetCluster, failureClass, examples },
    predictedImpact: hypothesis.predicted,
    attribution: { source: 'catalogue', edit: hypothesis.edit },
  };
}
