/**
 * Gate rule 1: the change manifest lists exactly the differences between parent and candidate.
 * The diff is taken on the candidate spec as parsed (defaults filled), so a spec merely written in
 * a non-canonical form shows no spurious change here: that is rule 2's to catch.
 */
import { safeParseHarnessSpec } from '../../harness/spec.ts';
import { diffHarnessSpecs, processorKeys } from './diff-harness-specs.ts';
import type { GateContext, RuleOutcome } from './gate-context.ts';
import { compareManifestWithDiff } from './manifest-completeness.ts';

export function checkManifestComplete(context: GateContext): RuleOutcome {
  const { candidate, parentSpec, currentContentId } = context.input;
  const parsed = safeParseHarnessSpec(candidate.spec, `candidate ${candidate.candidateId}`);
  const spec = parsed.success ? parsed.data : candidate.spec;
  const diff = diffHarnessSpecs(parentSpec, spec);
  const comparison = compareManifestWithDiff(candidate.manifest, diff, {
    before: processorKeys(parentSpec.processors ?? []),
    after: processorKeys(spec.processors ?? []),
  });
  const lineage: string[] = [];
  if (candidate.parentContentId !== currentContentId) {
    lineage.push(
      `the candidate was derived from ${candidate.parentContentId}, the current version is ${currentContentId}`,
    );
  }
  if (candidate.spec.parent !== undefined && candidate.spec.parent !== candidate.parentContentId) {
    lineage.push(`spec.parent ${candidate.spec.parent} is not the candidate's parentContentId`);
  }
  const problems = [
    ...lineage,
    ...comparison.unlisted.map((change) => `not in the manifest: ${change}`),
    ...comparison.unreflected.map((change) => `listed but not in the spec: ${change}`),
    ...comparison.mismatched.map(
      (entry) =>
        `${entry.change}: the manifest says ${String(entry.manifestAfter)}, the spec has ${String(entry.specAfter)}`,
    ),
    ...comparison.outsideVocabulary.map((path) => `${path} changed, which no manifest change can describe`),
  ];
  const inputs = {
    parentContentId: candidate.parentContentId,
    currentContentId,
    manifestChanges: candidate.manifest.changes.map((change) => `${change.kind} ${change.target}`),
    specChanges: diff.changes.map((change) => `${change.kind} ${change.target}`),
    unlisted: comparison.unlisted,
    unreflected: comparison.unreflected,
    mismatched: comparison.mismatched,
    outsideVocabulary: comparison.outsideVocabulary,
    lineage,
  };
  if (problems.length === 0) {
    return {
      outcome: 'pass',
      inputs,
      detail: `the manifest lists all ${diff.changes.length} spec change(s)`,
    };
  }
  return { outcome: 'fail', inputs, detail: `the manifest is incomplete or wrong: ${problems.join('; ')}` };
}
