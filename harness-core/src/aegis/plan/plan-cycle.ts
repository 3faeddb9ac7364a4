/**
 * The plan stage: from the digest of the current version (adaptation split only) to ranked edit
 * hypotheses. Each failure cluster, in the digest's actionability order, gets the catalogue edits
 * its failure class calls for (`FAILURE_EDIT_TABLE`), adapted to what the current spec already
 * has; each edit is scored, its impact predicted, and levers the portfolio audit blocks are
 * dropped. Pure and deterministic: same inputs, same plan.
 */
import { PROCESSOR_DIMENSIONS } from '../../harness/processor.ts';
import type { HarnessSpec } from '../../harness/spec.ts';
import { type Digest, digestArtifact, type FailureCluster } from '../artifacts/digest.ts';
import { type Hypothesis, type LeverHistory, type Plan, planArtifact } from '../artifacts/plan.ts';
import { type LeverRecord, parseLeverRecords, toLeverHistory } from './lever-history.ts';
import { type PlanOptions, parsePlanOptions } from './plan-options.ts';
import { auditPortfolio } from './portfolio-audit.ts';
import { predictImpact, taskOutcomes } from './predict-impact.ts';
import { type EditProposal, proposeEdits } from './propose-edits.ts';
import { editKey, rankProposals, type ScoredProposal, trackRecordFactor } from './rank-hypotheses.ts';

export interface PlanCycleInput {
  cycleId: string;
  /** Store key of the digest, recorded in the plan for the audit trail. */
  digestKey: string;
  digest: Digest;
  current: HarnessSpec;
  /** Lever records from earlier cycles (`updateLeverHistory`); plain `LeverHistory` entries are read too. */
  leverHistory: readonly (LeverHistory | LeverRecord)[];
  options?: PlanOptions;
}

interface RankedProposal extends ScoredProposal {
  proposal: EditProposal;
  clusterId: string;
  rationale: string;
  predicted: Hypothesis['predicted'];
}

function sortByDimension(records: readonly LeverRecord[]): LeverRecord[] {
  return [...records].sort(
    (a, b) => PROCESSOR_DIMENSIONS.indexOf(a.lever) - PROCESSOR_DIMENSIONS.indexOf(b.lever),
  );
}

/** Clusters by actionability, then size, then id: the digest's own order, re-imposed rather than trusted. */
function byActionability(clusters: readonly FailureCluster[]): FailureCluster[] {
  return [...clusters].sort(
    (a, b) =>
      b.actionability - a.actionability || b.count - a.count || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

const round4 = (value: number) => Math.round(value * 10_000) / 10_000;

/**
 * Plans one cycle.
 * @throws InputError for a malformed digest, lever history or options.
 * @example
 * const plan = planCycle({ cycleId: 'household-c001', digestKey, digest, current: spec, leverHistory: [] });
 * plan.hypotheses[0]; // { rank: 1, lever: 'verification', edit: { operator: 'add-verification', ... }, ... }
 */
export function planCycle(input: PlanCycleInput): Plan {
  const options = parsePlanOptions(input.options);
  const digest = digestArtifact.parse(input.digest, `digest ${input.digestKey}`);
  const records = parseLeverRecords(input.leverHistory);
  const blocked = auditPortfolio(records);
  const blockedLevers = new Set(blocked.map((entry) => entry.lever));
  const recordOf = new Map(records.map((record) => [record.lever, record]));
  const outcomes = taskOutcomes(digest);

  const proposals: RankedProposal[] = byActionability(digest.clusters).flatMap((cluster, clusterIndex) =>
    proposeEdits(cluster, input.current, digest)
      .filter((proposal) => !blockedLevers.has(proposal.lever))
      .map((proposal) => ({
        kind: proposal.kind,
        lever: proposal.lever,
        score: round4(
          cluster.actionability * proposal.weight * trackRecordFactor(recordOf.get(proposal.lever)),
        ),
        clusterIndex,
        recipeIndex: proposal.recipeIndex,
        editKey: editKey(proposal.edit),
        proposal,
        clusterId: cluster.id,
        rationale:
          `${cluster.count} ${cluster.failureClass} failure(s) on ${cluster.taskIds.length} task(s)${cluster.tool ? ` at ${cluster.tool}` : ''} (actionability ${cluster.actionability}): ${proposal.why}.`.slice(
            0,
            2000,
          ),
        predicted: predictImpact(cluster, proposal.edit, outcomes),
      })),
  );

  const hypotheses: Hypothesis[] = rankProposals(proposals, options).map((ranked, index) => ({
    id: `${input.cycleId}-h${index + 1}`,
    rank: index + 1,
    lever: ranked.proposal.lever,
    kind: ranked.kind,
    targetCluster: ranked.clusterId,
    edit: ranked.proposal.edit,
    rationale: ranked.rationale,
    predicted: ranked.predicted,
    score: ranked.score,
  }));

  return planArtifact.parse(
    {
      schemaVersion: 'harnessx.plan/1',
      cycleId: input.cycleId,
      digestKey: input.digestKey,
      hypotheses,
      portfolio: {
        structuralQuota: options.structuralQuota,
        blocked,
        levers: sortByDimension(records).map(toLeverHistory),
      },
    },
    `plan ${input.cycleId}`,
  );
}
