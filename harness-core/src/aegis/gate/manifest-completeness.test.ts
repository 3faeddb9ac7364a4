import { describe, expect, it } from 'vitest';
import type { HarnessSpec } from '../../harness/spec.ts';
import type { Change } from '../artifacts/candidate.ts';
import { diffHarnessSpecs, processorKeys } from './diff-harness-specs.ts';
import { compareManifestWithDiff } from './manifest-completeness.ts';
import { buildCandidate, buildParentSpec, mutateSpec } from './test-support/aegis-builders.ts';

const parent = buildParentSpec();

function compare(spec: HarnessSpec, changes: Change[]) {
  const candidate = buildCandidate({ parent, spec, changes });
  return compareManifestWithDiff(candidate.manifest, diffHarnessSpecs(parent, candidate.spec), {
    before: processorKeys(parent.processors),
    after: processorKeys(candidate.spec.processors),
  });
}

const lowerTurns = mutateSpec(parent, (draft) => {
  draft.budgets.maxTurns = 20;
  draft.budgets.maxToolCalls = 30;
});

describe('compareManifestWithDiff', () => {
  it('accepts a manifest that lists every change, with budget targets in either spelling', () => {
    const result = compare(lowerTurns, [
      { kind: 'set-budget', target: 'budgets.maxTurns', after: 20 },
      { kind: 'set-budget', target: 'maxToolCalls' },
    ]);
    expect(result).toMatchObject({ complete: true, unlisted: [], unreflected: [], mismatched: [] });
  });

  it('lets one set-budget on "budgets" cover every budget change', () => {
    expect(compare(lowerTurns, [{ kind: 'set-budget', target: 'budgets' }]).complete).toBe(true);
  });

  it('flags a change the manifest omits', () => {
    const result = compare(lowerTurns, [{ kind: 'set-budget', target: 'maxTurns', after: 20 }]);
    expect(result.complete).toBe(false);
    expect(result.unlisted).toEqual(['set-budget maxToolCalls']);
  });

  it('flags a listed change that is not in the spec, and a wrong stated budget', () => {
    const result = compare(lowerTurns, [
      { kind: 'set-budget', target: 'maxTurns', after: 15 },
      { kind: 'set-budget', target: 'maxToolCalls' },
      { kind: 'add-processor', target: 'goal-pin' },
    ]);
    expect(result.unreflected).toEqual(['add-processor goal-pin']);
    expect(result.mismatched).toEqual([{ change: 'set-budget maxTurns', manifestAfter: 15, specAfter: 20 }]);
  });

  it('accepts either processor of a swap as the one that moved, and rejects an unmoved one', () => {
    const swapped = mutateSpec(parent, (draft) => {
      draft.processors = [draft.processors[1]!, draft.processors[0]!, draft.processors[2]!];
    });
    expect(compare(swapped, [{ kind: 'reorder-processor', target: 'turn-observer' }]).complete).toBe(true);
    expect(compare(swapped, [{ kind: 'reorder-processor', target: 'verify-before-finish' }]).complete).toBe(
      true,
    );
    const wrong = compare(swapped, [{ kind: 'reorder-processor', target: 'loop-guard' }]);
    expect(wrong.complete).toBe(false);
    expect(wrong.unreflected).toEqual(['reorder-processor loop-guard']);
    expect(wrong.unlisted.length).toBe(1);
  });

  it('refuses a difference outside the vocabulary even with a manifest entry for the rest', () => {
    const swappedModel = mutateSpec(parent, (draft) => {
      draft.models.worker.model = 'bigger-model';
      draft.budgets.maxTurns = 20;
    });
    const result = compare(swappedModel, [{ kind: 'set-budget', target: 'maxTurns' }]);
    expect(result.complete).toBe(false);
    expect(result.outsideVocabulary).toEqual(['models']);
  });
});
