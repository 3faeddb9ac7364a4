import { describe, expect, it } from 'vitest';
import { diffHarnessSpecs, longestCommonSubsequence } from './diff-harness-specs.ts';
import { buildParentSpec, mutateSpec } from './test-support/aegis-builders.ts';

const parent = buildParentSpec();
const kinds = (changes: { kind: string; target: string }[]) =>
  changes.map((change) => `${change.kind} ${change.target}`);

describe('diffHarnessSpecs', () => {
  it('finds nothing between a spec and itself, whatever its parent or description', () => {
    const relabelled = mutateSpec(parent, (draft) => {
      draft.description = 'another description';
      draft.parent = `sha256:${'b'.repeat(64)}`;
    });
    expect(diffHarnessSpecs(parent, relabelled)).toEqual({ changes: [], outsideVocabulary: [] });
  });

  it('names each change in the manifest vocabulary, in a fixed order', () => {
    const candidate = mutateSpec(parent, (draft) => {
      draft.processors = [
        { id: 'loop-guard', version: 1, options: { maxRepeats: 2 } },
        { id: 'turn-observer', version: 1, options: {} },
        { id: 'goal-pin', version: 1, options: {} },
        {
          id: 'evolved-hint',
          code: { language: 'js', source: 'export default {}', sha256: 'c'.repeat(64) },
          options: {},
        },
      ];
      draft.slots.systemPrompt = 'Think, then act.';
      draft.slots.tools.enabled = ['look', 'go'];
      draft.slots.memory.kind = 'episode';
      draft.budgets.maxTurns = 25;
    });
    const diff = diffHarnessSpecs(parent, candidate);
    expect(kinds(diff.changes)).toEqual([
      'remove-processor verify-before-finish',
      'add-processor goal-pin',
      'add-code-processor evolved-hint',
      'configure-processor loop-guard',
      'reorder-processor turn-observer',
      'set-tools tools',
      'set-system-prompt systemPrompt',
      'set-memory memory',
      'set-budget maxTurns',
    ]);
    expect(diff.changes.find((change) => change.kind === 'set-budget')).toMatchObject({
      before: 30,
      after: 25,
    });
    expect(diff.outsideVocabulary).toEqual([]);
  });

  it('reports what no manifest can describe: name, models, workspace', () => {
    const candidate = mutateSpec(parent, (draft) => {
      draft.name = 'renamed';
      draft.models.worker.model = 'bigger-model';
      draft.slots.workspace = '/tmp/x';
    });
    const diff = diffHarnessSpecs(parent, candidate);
    expect(diff.changes).toEqual([]);
    expect(diff.outsideVocabulary.map((difference) => difference.path)).toEqual([
      'models',
      'name',
      'slots.workspace',
    ]);
  });

  it('keeps duplicate processor ids apart', () => {
    const candidate = mutateSpec(parent, (draft) => {
      draft.processors.push({ id: 'loop-guard', version: 1, options: {} });
    });
    expect(kinds(diffHarnessSpecs(parent, candidate).changes)).toEqual(['add-processor loop-guard#2']);
  });
});

describe('longestCommonSubsequence', () => {
  it('keeps the longest run in order', () => {
    expect(longestCommonSubsequence(['a', 'b', 'c', 'd'], ['b', 'c', 'a', 'd'])).toEqual(['b', 'c', 'd']);
    expect(longestCommonSubsequence([], ['a'])).toEqual([]);
  });
});
