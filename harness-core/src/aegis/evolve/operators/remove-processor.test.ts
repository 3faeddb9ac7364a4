import { describe, expect, it } from 'vitest';
import { InputError } from '../../../errors.ts';
import { parseHarnessSpec } from '../../../harness/spec.ts';
import { removeProcessor } from './remove-processor.ts';

const spec = parseHarnessSpec({
  schemaVersion: 'harnessx.harness/1',
  name: 'test-harness',
  models: { worker: { provider: 'simulated', model: 'sim' } },
  processors: [{ id: 'goal-pin' }, { id: 'loop-guard', options: { maxRepeats: 3 } }],
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

describe('remove-processor', () => {
  it('removes a present processor and records what it was', () => {
    const { spec: next, changes } = removeProcessor(spec, { id: 'loop-guard' });
    expect(next.processors.map((ref) => ref.id)).toEqual(['goal-pin']);
    expect(changes).toEqual([
      {
        kind: 'remove-processor',
        target: 'loop-guard',
        before: { id: 'loop-guard', version: 1, options: { maxRepeats: 3 } },
      },
    ]);
    expect(spec.processors).toHaveLength(2);
  });

  it('refuses a processor that is not present', () => {
    const error = refusal(() => removeProcessor(spec, { id: 'plan-first' }));
    expect(error.issues[0]).toEqual({
      path: 'params.id',
      message: 'processor "plan-first" is not in the harness (present: goal-pin, loop-guard)',
    });
  });

  it('refuses params without an id', () => {
    expect(refusal(() => removeProcessor(spec, {} as never)).issues[0]?.path).toBe('id');
  });
});
