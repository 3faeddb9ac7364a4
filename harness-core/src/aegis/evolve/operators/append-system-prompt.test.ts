import { describe, expect, it } from 'vitest';
import { InputError } from '../../../errors.ts';
import { parseHarnessSpec } from '../../../harness/spec.ts';
import { appendSystemPrompt, appendSystemPromptOperator } from './append-system-prompt.ts';

const base = {
  schemaVersion: 'harnessx.harness/1',
  name: 'test-harness',
  models: { worker: { provider: 'simulated', model: 'sim' } },
};
const spec = parseHarnessSpec({ ...base, slots: { systemPrompt: 'You are an agent.' } });

function refusal(edit: () => unknown): InputError {
  try {
    edit();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected the edit to be refused');
}

describe('append-system-prompt', () => {
  it('appends a paragraph and is a prompt edit', () => {
    const { spec: next, changes } = appendSystemPrompt(spec, { text: '  Check before you finish.  ' });
    expect(next.slots.systemPrompt).toBe('You are an agent.\n\nCheck before you finish.');
    expect(changes).toEqual([
      {
        kind: 'set-system-prompt',
        target: 'slots.systemPrompt',
        before: 'You are an agent.',
        after: next.slots.systemPrompt,
      },
    ]);
    expect(appendSystemPromptOperator.kind).toBe('prompt');
  });

  it('uses the text alone when the prompt is empty', () => {
    const empty = parseHarnessSpec({ ...base, slots: { systemPrompt: '' } });
    expect(appendSystemPrompt(empty, { text: 'Be brief.' }).spec.slots.systemPrompt).toBe('Be brief.');
  });

  it('refuses blank, repeated, too long or oversize-prompt text', () => {
    expect(refusal(() => appendSystemPrompt(spec, { text: '   ' })).issues[0]?.path).toBe('text');
    expect(refusal(() => appendSystemPrompt(spec, { text: 'an agent' })).issues[0]?.message).toMatch(
      /already contains/,
    );
    expect(refusal(() => appendSystemPrompt(spec, { text: 'x'.repeat(2001) })).issues[0]?.path).toBe('text');
    const full = parseHarnessSpec({ ...base, slots: { systemPrompt: 'y'.repeat(99_990) } });
    expect(
      refusal(() => appendSystemPrompt(full, { text: 'Check before you finish.' })).issues[0]?.message,
    ).toMatch(/limit 100000/);
  });
});
