/**
 * The meta-model edit source of evolve: when a `meta` model is configured, the top structural
 * hypothesis is also offered to it as a request for a JavaScript code processor. The code is
 * smoke-tested in the sandbox before it can become a candidate; a failed proposal is reported and
 * the catalogue candidates go on without it.
 */
import { harnessContentId } from '../../harness/canonical.ts';
import type { HarnessSpec } from '../../harness/spec.ts';
import { parseHarnessSpec } from '../../harness/spec.ts';
import type { ModelV1 } from '../../providers/model.ts';
import { type Candidate, candidateArtifact } from '../artifacts/candidate.ts';
import type { Digest } from '../artifacts/digest.ts';
import type { Plan } from '../artifacts/plan.ts';
import { proposeCodeProcessor } from '../evolve/meta-code/index.ts';

export interface MetaCandidateResult {
  candidate?: Candidate;
  /** Why no candidate came out, when none did. */
  reason?: string;
  usage: { input: number; output: number; costUsd: number };
}

export async function proposeMetaCandidate(input: {
  cycleId: string;
  candidateId: string;
  plan: Plan;
  digest: Digest;
  current: HarnessSpec;
  currentContentId: string;
  model: ModelV1;
  signal?: AbortSignal;
}): Promise<MetaCandidateResult> {
  const hypothesis = [...input.plan.hypotheses]
    .sort((a, b) => a.rank - b.rank)
    .find((h) => h.kind === 'structural');
  if (!hypothesis)
    return {
      reason: 'no structural hypothesis to offer the meta-model',
      usage: { input: 0, output: 0, costUsd: 0 },
    };
  const cluster = input.digest.clusters.find((c) => c.id === hypothesis.targetCluster);
  const proposal = await proposeCodeProcessor({
    hypothesis,
    cluster,
    model: input.model,
    ...(input.signal ? { signal: input.signal } : {}),
  });
  const usage = {
    input: proposal.usage.inputTokens,
    output: proposal.usage.outputTokens,
    costUsd: proposal.usage.costUsd,
  };
  if (!proposal.ok)
    return { reason: `meta-model proposal rejected (${proposal.failure}): ${proposal.reason}`, usage };
  const spec = parseHarnessSpec(
    {
      ...input.current,
      parent: input.currentContentId,
      processors: [...input.current.processors, proposal.ref],
    },
    `candidate ${input.candidateId}`,
  );
  const candidate = candidateArtifact.parse({
    schemaVersion: 'harnessx.candidate/1',
    cycleId: input.cycleId,
    candidateId: input.candidateId,
    parentContentId: input.currentContentId,
    contentId: harnessContentId(spec),
    spec,
    manifest: {
      hypothesisId: hypothesis.id,
      lever: hypothesis.lever,
      kind: 'structural',
      changes: [proposal.manifestChange],
      capabilityEvidence: {
        cluster: hypothesis.targetCluster,
        failureClass: cluster?.failureClass ?? 'unknown',
        examples: (cluster?.evidence ?? []).slice(0, 3).map((e) => e.excerpt),
      },
      predictedImpact: hypothesis.predicted,
      attribution: {
        source: 'meta-model',
        edit: { operator: 'meta-code', params: { hypothesisId: hypothesis.id } },
        model: `${input.model.provider}:${input.model.modelId}`,
      },
    },
    revision: 0,
  });
  return { candidate, usage };
}
