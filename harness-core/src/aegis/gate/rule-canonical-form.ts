/**
 * Gate rule 2: the candidate spec is canonical — parsing it again (defaults filled) gives the same
 * canonical JSON — and its content id is the one the candidate declares. A spec that is not its
 * own parse would hash differently once stored, and the published version would not be the one
 * that was evaluated.
 */
import { canonicalJson, harnessContentId } from '../../harness/canonical.ts';
import { safeParseHarnessSpec } from '../../harness/spec.ts';
import type { GateContext, RuleOutcome } from './gate-context.ts';

function differingKeys(given: unknown, parsed: unknown): string[] {
  const a = (given ?? {}) as Record<string, unknown>;
  const b = (parsed ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((key) => canonicalJson(a[key] ?? null) !== canonicalJson(b[key] ?? null));
}

export function checkCanonicalForm(context: GateContext): RuleOutcome {
  const { candidate } = context.input;
  const declaredContentId = candidate.contentId;
  const parsed = safeParseHarnessSpec(candidate.spec, `candidate ${candidate.candidateId}`);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`);
    return {
      outcome: 'fail',
      inputs: { declaredContentId, parseIssues: issues },
      detail: `the candidate spec does not parse: ${issues.join('; ')}`,
    };
  }
  let givenJson: string;
  try {
    givenJson = canonicalJson(candidate.spec);
  } catch (error) {
    return {
      outcome: 'fail',
      inputs: { declaredContentId },
      detail: `the candidate spec has no canonical JSON: ${(error as Error).message}`,
    };
  }
  const reparsesToItself = canonicalJson(parsed.data) === givenJson;
  const computedContentId = harnessContentId(parsed.data);
  const inputs = { declaredContentId, computedContentId, reparsesToItself };
  if (!reparsesToItself) {
    const keys = differingKeys(candidate.spec, parsed.data);
    return {
      outcome: 'fail',
      inputs: { ...inputs, differingKeys: keys },
      detail: `re-parsing the candidate spec changes it (at ${keys.join(', ') || '(root)'}): it is not in canonical form`,
    };
  }
  if (computedContentId !== declaredContentId) {
    return {
      outcome: 'fail',
      inputs,
      detail: `the spec hashes to ${computedContentId}, the candidate declares ${declaredContentId}`,
    };
  }
  return { outcome: 'pass', inputs, detail: `canonical; content id ${computedContentId}` };
}
