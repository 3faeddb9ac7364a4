import { describe, expect, it } from 'vitest';
import { InputError } from '../../../errors.ts';
import { parseHarnessSpec } from '../../../harness/spec.ts';
import { restrictTools } from './restrict-tools.ts';

const base = {
  schemaVersion: 'harnessx.harness/1',
  name: 'test-harness',
  models: { worker: { provider: 'simulated', model: 'sim' } },
};
const open = parseHarnessSpec(base);
const restricted = parseHarnessSpec({ ...base, slots: { tools: { enabled: ['look', 'go_to', 'finish'] } } });

function refusal(edit: () => unknown): InputError {
  try {
    edit();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected the edit to be refused');
}

describe('restrict-tools', () => {
  it('narrows "all" to a list', () => {
    const { spec, changes } = restrictTools(open, { tools: ['look', 'finish'] });
    expect(spec.slots.tools.enabled).toEqual(['look', 'finish']);
    expect(changes).toEqual([
      { kind: 'set-tools', target: 'slots.tools.enabled', before: 'all', after: ['look', 'finish'] },
    ]);
  });

  it('narrows a list to a strict subset', () => {
    expect(restrictTools(restricted, { tools: ['finish'] }).spec.slots.tools.enabled).toEqual(['finish']);
  });

  it('refuses to widen or to keep the same list', () => {
    expect(refusal(() => restrictTools(restricted, { tools: ['look', 'take'] })).issues[0]?.message).toMatch(
      /"take" not enabled now/,
    );
    expect(
      refusal(() => restrictTools(restricted, { tools: ['finish', 'look', 'go_to'] })).issues[0]?.message,
    ).toMatch(/nothing would change/);
  });

  it('refuses an empty or duplicated list', () => {
    expect(refusal(() => restrictTools(open, { tools: [] })).issues[0]?.path).toBe('tools');
    expect(refusal(() => restrictTools(open, { tools: ['look', 'look'] })).issues[0]?.message).toMatch(
      /distinct/,
    );
  });
});
