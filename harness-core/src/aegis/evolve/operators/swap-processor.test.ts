import { describe, expect, it } from 'vitest';
import { InputError } from '../../../errors.ts';
import { parseHarnessSpec } from '../../../harness/spec.ts';
import { swapProcessor } from './swap-processor.ts';

const spec = parseHarnessSpec({
  schemaVersion: 'harnessx.harness/1',
  name: 'test-harness',
  models: { worker: { provider: 'simulated', model: 'sim' } },
  processors: [
    { id: 'goal-pin' },
    { id: 'tool-result-truncation', options: { maxChars: 500 } },
    { id: 'loop-guard' },
    { id: 'evolved-hint', code: { language: 'js', source: 'export default {}', sha256: 'a'.repeat(64) } },
  ],
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

describe('swap-processor', () => {
  it('replaces a processor by one of the same dimension in the same place', () => {
    const { spec: next, changes } = swapProcessor(spec, {
      from: 'tool-result-truncation',
      to: 'context-compaction',
      options: { keepRecentTurns: 2 },
    });
    expect(next.processors.map((ref) => ref.id)).toEqual([
      'goal-pin',
      'context-compaction',
      'loop-guard',
      'evolved-hint',
    ]);
    expect(next.processors[1]).toEqual({
      id: 'context-compaction',
      version: 1,
      options: { keepRecentTurns: 2 },
    });
    expect(changes.map((change) => `${change.kind} ${change.target}`)).toEqual([
      'remove-processor tool-result-truncation',
      'add-processor context-compaction',
    ]);
  });

  it('refuses processors that are not interchangeable', () => {
    const error = refusal(() => swapProcessor(spec, { from: 'loop-guard', to: 'goal-pin' }));
    expect(error.issues[0]?.path).toBe('params.to');
    expect(
      refusal(() => swapProcessor(spec, { from: 'loop-guard', to: 'verify-before-finish' })).issues[0]
        ?.message,
    ).toMatch(/control-flow-safety and "verify-before-finish" on verification/);
  });

  it('refuses a singleton-group member swapped for a processor outside the group', () => {
    const compacting = { ...spec, processors: [{ id: 'context-compaction', version: 1, options: {} }] };
    expect(
      refusal(() => swapProcessor(compacting, { from: 'context-compaction', to: 'tool-result-truncation' }))
        .issues[0]?.message,
    ).toMatch(/singleton group "compaction"/);
  });

  it('refuses an absent from, a present or unknown to, a code processor, self-swaps and bad options', () => {
    expect(refusal(() => swapProcessor(spec, { from: 'plan-first', to: 'loop-guard' })).issues[0]?.path).toBe(
      'params.from',
    );
    expect(
      refusal(() => swapProcessor(spec, { from: 'tool-result-truncation', to: 'nope' })).issues[0]?.path,
    ).toBe('params.to');
    expect(
      refusal(() => swapProcessor(spec, { from: 'evolved-hint', to: 'goal-pin' })).issues[0]?.message,
    ).toMatch(/evolved code processor/);
    expect(refusal(() => swapProcessor(spec, { from: 'goal-pin', to: 'goal-pin' })).issues[0]?.path).toBe(
      'to',
    );
    expect(
      refusal(() =>
        swapProcessor(spec, {
          from: 'tool-result-truncation',
          to: 'context-compaction',
          options: { keepRecentTurns: 0 },
        }),
      ).issues[0]?.path,
    ).toBe('params.options.keepRecentTurns');
  });
});
