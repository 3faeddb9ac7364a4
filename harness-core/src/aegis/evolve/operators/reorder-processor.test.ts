import { describe, expect, it } from 'vitest';
import { InputError } from '../../../errors.ts';
import { parseHarnessSpec } from '../../../harness/spec.ts';
import { reorderProcessor } from './reorder-processor.ts';

// goal-pin, plan-first and failure-reflection share the default rank; loop-guard runs at 'post'.
const spec = parseHarnessSpec({
  schemaVersion: 'harnessx.harness/1',
  name: 'test-harness',
  models: { worker: { provider: 'simulated', model: 'sim' } },
  processors: [{ id: 'goal-pin' }, { id: 'plan-first' }, { id: 'failure-reflection' }, { id: 'loop-guard' }],
});

function refusal(edit: () => unknown): InputError {
  try {
    edit();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected the edit to be refused');
}

describe('reorder-processor', () => {
  it('moves a processor before another of the same rank and records both run orders', () => {
    const { spec: next, changes } = reorderProcessor(spec, { id: 'failure-reflection', before: 'goal-pin' });
    expect(next.processors.map((ref) => ref.id)).toEqual([
      'failure-reflection',
      'goal-pin',
      'plan-first',
      'loop-guard',
    ]);
    expect(changes).toEqual([
      {
        kind: 'reorder-processor',
        target: 'failure-reflection',
        before: ['goal-pin', 'plan-first', 'failure-reflection', 'loop-guard'],
        after: ['failure-reflection', 'goal-pin', 'plan-first', 'loop-guard'],
      },
    ]);
  });

  it('moves a processor after another', () => {
    const { spec: next } = reorderProcessor(spec, { id: 'goal-pin', after: 'plan-first' });
    expect(next.processors.map((ref) => ref.id)).toEqual([
      'plan-first',
      'goal-pin',
      'failure-reflection',
      'loop-guard',
    ]);
  });

  it('refuses a move the order ranks undo (a phantom edit)', () => {
    const error = refusal(() => reorderProcessor(spec, { id: 'loop-guard', before: 'goal-pin' }));
    expect(error.issues[0]?.message).toMatch(/leaves the run order unchanged/);
  });

  it('refuses a move to where it already is', () => {
    expect(
      refusal(() => reorderProcessor(spec, { id: 'plan-first', after: 'goal-pin' })).issues[0]?.message,
    ).toMatch(/unchanged/);
  });

  it('refuses absent processors, self-anchors and a missing or double anchor', () => {
    expect(
      refusal(() => reorderProcessor(spec, { id: 'goal-pin', before: 'budget-guard' })).issues[0]?.path,
    ).toBe('params.before');
    expect(
      refusal(() => reorderProcessor(spec, { id: 'budget-guard', after: 'goal-pin' })).issues[0]?.path,
    ).toBe('params.id');
    expect(
      refusal(() => reorderProcessor(spec, { id: 'goal-pin', after: 'goal-pin' })).issues[0]?.message,
    ).toMatch(/itself/);
    expect(refusal(() => reorderProcessor(spec, { id: 'goal-pin' })).issues[0]?.message).toMatch(
      /exactly one/,
    );
    expect(
      refusal(() => reorderProcessor(spec, { id: 'goal-pin', before: 'plan-first', after: 'plan-first' }))
        .issues[0]?.message,
    ).toMatch(/exactly one/);
  });
});
