import { describe, expect, it } from 'vitest';
import { InputError } from '../../../errors.ts';
import { parseHarnessSpec } from '../../../harness/spec.ts';
import { applyCatalogueEdit, catalogueOperators } from './index.ts';

const spec = parseHarnessSpec({
  schemaVersion: 'harnessx.harness/1',
  name: 'test-harness',
  models: { worker: { provider: 'simulated', model: 'sim' } },
  processors: [{ id: 'goal-pin' }, { id: 'plan-first' }, { id: 'state-tracker-memory' }],
  slots: { tools: { enabled: ['look', 'finish'] } },
});

/** One valid call per operator against `spec`. */
const validCalls: Record<string, Record<string, unknown>> = {
  'add-processor': { id: 'loop-guard' },
  'remove-processor': { id: 'goal-pin' },
  'reorder-processor': { id: 'plan-first', before: 'goal-pin' },
  'configure-processor': { id: 'goal-pin', options: { position: 'start' } },
  'enable-tool': { tool: 'open' },
  'restrict-tools': { tools: ['finish'] },
  'set-compaction': { keepRecentTurns: 2 },
  'set-memory': { kind: 'episode' },
  'set-budget-split': { maxToolCalls: 50 },
  'add-verification': {},
  'append-system-prompt': { text: 'Be precise.' },
  'swap-processor': { from: 'plan-first', to: 'loop-guard' },
};

describe('the catalogue', () => {
  it('holds at least ten structural operators and one prompt operator', () => {
    const operators = [...catalogueOperators.values()];
    expect(operators.filter((operator) => operator.kind === 'structural').length).toBeGreaterThanOrEqual(10);
    expect(operators.filter((operator) => operator.kind === 'prompt').map((operator) => operator.id)).toEqual(
      ['append-system-prompt'],
    );
    expect([...catalogueOperators.keys()].sort()).toEqual(Object.keys(validCalls).sort());
  });

  it('dispatches calls, and every operator leaves its input spec untouched', () => {
    const frozen = structuredClone(spec);
    const outcomes = Object.entries(validCalls).map(([operator, params]) => {
      try {
        return applyCatalogueEdit(spec, { operator, params }).changes.length > 0;
      } catch (error) {
        return (error as Error).message;
      }
    });
    expect(spec).toEqual(frozen);
    expect(outcomes).toEqual(Object.keys(validCalls).map(() => true));
  });

  it('refuses an operator it does not have, naming the known ones', () => {
    try {
      applyCatalogueEdit(spec, { operator: 'rewrite-everything', params: {} });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).issues[0]?.path).toBe('operator');
      expect((error as InputError).message).toMatch(/known: add-processor, add-verification/);
    }
  });

  it('validates params of unknown shape before editing', () => {
    expect(() =>
      applyCatalogueEdit(spec, { operator: 'set-budget-split', params: { maxTurns: '10' } }),
    ).toThrow(InputError);
  });
});
