import { describe, expect, it } from 'vitest';
import { InputError } from '../../../errors.ts';
import { parseHarnessSpec } from '../../../harness/spec.ts';
import { setCompaction } from './set-compaction.ts';

const base = {
  schemaVersion: 'harnessx.harness/1',
  name: 'test-harness',
  models: { worker: { provider: 'simulated', model: 'sim' } },
};
const bare = parseHarnessSpec(base);
const compacting = parseHarnessSpec({
  ...base,
  processors: [{ id: 'context-compaction', options: { keepRecentTurns: 4 } }],
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

describe('set-compaction', () => {
  it('adds context compaction with the given thresholds when absent', () => {
    const { spec, changes } = setCompaction(bare, { maxContextTokens: 1200 });
    expect(spec.processors).toEqual([
      { id: 'context-compaction', version: 1, options: { maxContextTokens: 1200 } },
    ]);
    expect(changes[0]?.kind).toBe('add-processor');
  });

  it('re-configures it when present', () => {
    const { spec, changes } = setCompaction(compacting, { maxContextTokens: 1000 });
    expect(spec.processors[0]?.options).toEqual({ keepRecentTurns: 4, maxContextTokens: 1000 });
    expect(changes[0]).toMatchObject({ kind: 'configure-processor', target: 'context-compaction' });
  });

  it('refuses no thresholds, out-of-range ones and a no-op, under its own name', () => {
    expect(refusal(() => setCompaction(bare, {})).issues[0]?.message).toMatch(/at least one threshold/);
    expect(refusal(() => setCompaction(bare, { maxContextTokens: 10 })).issues[0]?.path).toBe(
      'maxContextTokens',
    );
    const noop = refusal(() => setCompaction(compacting, { keepRecentTurns: 4 }));
    expect(noop.entity).toBe('catalogue operator "set-compaction"');
    expect(noop.issues[0]?.message).toMatch(/nothing would change/);
  });
});
