import { describe, expect, it } from 'vitest';
import { InputError } from '../../../errors.ts';
import { parseHarnessSpec } from '../../../harness/spec.ts';
import { setBudgetSplit } from './set-budget-split.ts';

const spec = parseHarnessSpec({
  schemaVersion: 'harnessx.harness/1',
  name: 'test-harness',
  models: { worker: { provider: 'simulated', model: 'sim' } },
  budgets: { maxTurns: 30, maxTokens: 200000, maxToolCalls: 40, wallClockMs: 300000 },
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

describe('set-budget-split', () => {
  it('lowers budgets and records one change per budget', () => {
    const { spec: next, changes } = setBudgetSplit(spec, { maxToolCalls: 30, maxTurns: 30 });
    expect(next.budgets).toEqual({ maxTurns: 30, maxTokens: 200000, maxToolCalls: 30, wallClockMs: 300000 });
    expect(changes).toEqual([{ kind: 'set-budget', target: 'budgets.maxToolCalls', before: 40, after: 30 }]);
  });

  it('never raises a budget, even alongside a cut', () => {
    const error = refusal(() => setBudgetSplit(spec, { maxToolCalls: 20, maxTurns: 31 }));
    expect(error.issues[0]).toEqual({
      path: 'params.maxTurns',
      message: 'would raise budgets.maxTurns from 30 to 31; budgets are only ever lowered',
    });
  });

  it('refuses no budgets, unchanged budgets and non-positive ones', () => {
    expect(refusal(() => setBudgetSplit(spec, {})).issues[0]?.message).toMatch(/at least one budget/);
    expect(refusal(() => setBudgetSplit(spec, { maxTurns: 30 })).issues[0]?.message).toMatch(
      /nothing would change/,
    );
    expect(refusal(() => setBudgetSplit(spec, { maxToolCalls: 0 })).issues[0]?.path).toBe('maxToolCalls');
  });
});
