/**
 * The catalogue evolve stage: one candidate per top hypothesis of the plan, each the full spec
 * after that single edit, with a complete change manifest. A hypothesis whose edit cannot be made,
 * whose spec does not resolve, or whose content repeats an earlier candidate's is skipped with
 * the reason, and the next hypothesis is tried, until K candidates exist or the plan runs out.
 * Needs no model: the loop runs offline.
 */
import { InputError } from '../../errors.ts';
import { canonicalJson, harnessContentId } from '../../harness/canonical.ts';
import { type HarnessSpec, parseHarnessSpec } from '../../harness/spec.ts';
import { type Candidate, candidateArtifact } from '../artifacts/candidate.ts';
import type { Digest } from '../artifacts/digest.ts';
import type { Hypothesis, Plan } from '../artifacts/plan.ts';
import { catalogueManifest } from './candidate-manifest.ts';
import { applyCatalogueEdit } from './operators/index.ts';
import { resolveProcessors } from './operators/resolve-processor-order.ts';

export interface EvolveCandidatesInput {
  cycleId: string;
  plan: Plan;
  current: HarnessSpec;
  currentContentId: string;
  /** Candidates to make (default 4). */
  K?: number;
  /** The digest the plan came from: when given, manifests quote its evidence spans. */
  digest?: Digest;
}

export interface SkippedHypothesis {
  hypothesisId: string;
  reason: string;
}

export interface EvolveReport {
  candidates: Candidate[];
  skipped: SkippedHypothesis[];
}

export const DEFAULT_CANDIDATES = 4;

/** The spec's content without its `parent`: two specs that differ only there are the same harness. */
function contentKey(spec: HarnessSpec): string {
  const { parent: _parent, ...rest } = spec;
  return canonicalJson(rest);
}

function describe(error: unknown): string {
  if (error instanceof InputError)
    return error.issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; ');
  return error instanceof Error ? error.message : String(error);
}

function buildCandidate(
  input: EvolveCandidatesInput,
  hypothesis: Hypothesis,
  index: number,
): { candidate: Candidate; key: string } {
  const result = applyCatalogueEdit(input.current, hypothesis.edit);
  const source = `candidate ${input.cycleId}-k${index} (${hypothesis.id})`;
  const spec = parseHarnessSpec(
    { ...result.spec, name: input.current.name, parent: input.currentContentId },
    source,
  );
  resolveProcessors(spec, source);
  const candidate = candidateArtifact.parse(
    {
      schemaVersion: 'harnessx.candidate/1',
      cycleId: input.cycleId,
      candidateId: `${input.cycleId}-k${index}`,
      parentContentId: input.currentContentId,
      contentId: harnessContentId(spec),
      spec,
      manifest: catalogueManifest(hypothesis, result, input.digest),
      revision: 0,
    },
    source,
  );
  return { candidate, key: contentKey(spec) };
}

/**
 * Makes up to K candidates and reports the hypotheses it skipped and why.
 * @throws InputError when K is not a positive integer.
 */
export function evolveCandidatesWithReport(input: EvolveCandidatesInput): EvolveReport {
  const k = input.K ?? DEFAULT_CANDIDATES;
  if (!Number.isInteger(k) || k < 1 || k > 64) {
    throw new InputError('evolve input', `cycle ${input.cycleId}`, [
      { path: 'K', message: `expected an integer from 1 to 64, got ${k}` },
    ]);
  }
  const candidates: Candidate[] = [];
  const skipped: SkippedHypothesis[] = [];
  const seen = new Map<string, string>([[contentKey(input.current), 'the current version']]);
  const ranked = [...input.plan.hypotheses].sort((a, b) => a.rank - b.rank);
  for (const hypothesis of ranked) {
    if (candidates.length === k) break;
    let built: { candidate: Candidate; key: string };
    try {
      built = buildCandidate(input, hypothesis, candidates.length + 1);
    } catch (error) {
      skipped.push({ hypothesisId: hypothesis.id, reason: `edit failed: ${describe(error)}` });
      continue;
    }
    const duplicateOf = seen.get(built.key);
    if (duplicateOf !== undefined) {
      skipped.push({ hypothesisId: hypothesis.id, reason: `same content as ${duplicateOf}` });
      continue;
    }
    seen.set(built.key, built.candidate.candidateId);
    candidates.push(built.candidate);
  }
  return { candidates, skipped };
}

/**
 * One candidate per top hypothesis (single catalogue edit each), ids `<cycleId>-k<n>`.
 * @example
 * const candidates = evolveCandidates({ cycleId: 'household-c001', plan, current, currentContentId, K: 4 });
 */
export function evolveCandidates(input: EvolveCandidatesInput): Candidate[] {
  return evolveCandidatesWithReport(input).candidates;
}
