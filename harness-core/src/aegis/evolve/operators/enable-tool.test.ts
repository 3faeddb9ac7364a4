import { describe, expect, it } from 'vitest';
import { InputError } from '../../../errors.ts';
import { parseHarnessSpec } from '../../../harness/spec.ts';
import { enableTool } from './enable-tool.ts';

const base = {
  schemaVersion: 'harnessx.harness/1',
  name: 'test-harness',
  models: { worker: { provider: 'simulated', model: 'sim' } },
};
const restricted = parseHarnessSpec({ ...base, slots: { tools: { enabled: ['look', 'go_to'] } } });

function refusal(edit: () => unknown): InputError {
  try {
    edit();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected the edit to be refused');
}

describe('enable-tool', () => {
  it('adds a tool to a restricted list', () => {
    const { spec, changes } = enableTool(restricted, { tool: 'finish' });
    expect(spec.slots.tools.enabled).toEqual(['look', 'go_to', 'finish']);
    expect(changes).toEqual([
      {
        kind: 'set-tools',
        target: 'slots.tools.enabled',
        before: ['look', 'go_to'],
        after: ['look', 'go_to', 'finish'],
      },
    ]);
    expect(restricted.slots.tools.enabled).toEqual(['look', 'go_to']);
  });

  it('refuses when every tool is enabled or the tool already is', () => {
    expect(refusal(() => enableTool(parseHarnessSpec(base), { tool: 'finish' })).issues[0]?.message).toMatch(
      /"all"/,
    );
    expect(refusal(() => enableTool(restricted, { tool: 'look' })).issues[0]?.message).toMatch(
      /already enabled/,
    );
  });

  it('refuses a blank tool name', () => {
    expect(refusal(() => enableTool(restricted, { tool: '' })).issues[0]?.path).toBe('tool');
  });
});
