import { describe, expect, it } from 'vitest';
import { InputError } from '../../../errors.ts';
import { parseHarnessSpec } from '../../../harness/spec.ts';
import { setMemory } from './set-memory.ts';

const base = {
  schemaVersion: 'harnessx.harness/1',
  name: 'test-harness',
  models: { worker: { provider: 'simulated', model: 'sim' } },
};
const bare = parseHarnessSpec(base);
const remembering = parseHarnessSpec({
  ...base,
  processors: [{ id: 'state-tracker-memory' }],
  slots: { memory: { kind: 'episode' } },
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

describe('set-memory', () => {
  it('turns episode memory on with its processor', () => {
    const { spec, changes } = setMemory(bare, { kind: 'episode', tracker: { maxEntries: 20 } });
    expect(spec.slots.memory.kind).toBe('episode');
    expect(spec.processors).toEqual([
      { id: 'state-tracker-memory', version: 1, options: { maxEntries: 20 } },
    ]);
    expect(changes.map((change) => change.kind)).toEqual(['set-memory', 'add-processor']);
  });

  it('re-configures the tracker when memory is already on', () => {
    const { spec, changes } = setMemory(remembering, { kind: 'episode', tracker: { omitRecentTokens: 300 } });
    expect(spec.processors[0]?.options).toEqual({ omitRecentTokens: 300 });
    expect(changes.map((change) => change.kind)).toEqual(['configure-processor']);
  });

  it('turns memory off and removes the processor', () => {
    const { spec, changes } = setMemory(remembering, { kind: 'none' });
    expect(spec.slots.memory.kind).toBe('none');
    expect(spec.processors).toEqual([]);
    expect(changes.map((change) => change.kind)).toEqual(['set-memory', 'remove-processor']);
  });

  it('refuses a no-op, tracker options without episode memory and bad tracker options', () => {
    expect(refusal(() => setMemory(remembering, { kind: 'episode' })).issues[0]?.message).toMatch(
      /nothing would change/,
    );
    expect(refusal(() => setMemory(bare, { kind: 'none' })).issues[0]?.message).toMatch(
      /nothing would change/,
    );
    expect(refusal(() => setMemory(bare, { kind: 'none', tracker: {} })).issues[0]?.path).toBe('tracker');
    const bad = refusal(() => setMemory(bare, { kind: 'episode', tracker: { maxEntries: 0 } }));
    expect(bad.entity).toBe('catalogue operator "set-memory"');
    expect(bad.issues[0]?.path).toBe('params.options.maxEntries');
  });
});
