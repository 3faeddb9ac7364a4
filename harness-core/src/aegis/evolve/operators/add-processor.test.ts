import { describe, expect, it } from 'vitest';
import { InputError } from '../../../errors.ts';
import { parseHarnessSpec } from '../../../harness/spec.ts';
import { addProcessor, addProcessorOperator } from './add-processor.ts';

const spec = parseHarnessSpec({
  schemaVersion: 'harnessx.harness/1',
  name: 'test-harness',
  models: { worker: { provider: 'simulated', model: 'sim' } },
  processors: [{ id: 'goal-pin' }, { id: 'context-compaction' }],
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

describe('add-processor', () => {
  it('appends a built-in processor at its current version and records the change', () => {
    const { spec: next, changes } = addProcessor(spec, { id: 'loop-guard', options: { maxRepeats: 3 } });
    expect(next.processors.map((ref) => ref.id)).toEqual(['goal-pin', 'context-compaction', 'loop-guard']);
    expect(next.processors[2]).toEqual({ id: 'loop-guard', version: 1, options: { maxRepeats: 3 } });
    expect(changes).toEqual([{ kind: 'add-processor', target: 'loop-guard', after: next.processors[2] }]);
  });

  it('inserts before or after an anchor', () => {
    expect(
      addProcessor(spec, { id: 'plan-first', before: 'context-compaction' }).spec.processors.map((r) => r.id),
    ).toEqual(['goal-pin', 'plan-first', 'context-compaction']);
    expect(addProcessor(spec, { id: 'plan-first', after: 'goal-pin' }).spec.processors[1]?.id).toBe(
      'plan-first',
    );
  });

  it('leaves the input spec untouched', () => {
    const copy = structuredClone(spec);
    addProcessor(spec, { id: 'loop-guard' });
    expect(spec).toEqual(copy);
  });

  it('refuses an unknown processor id, naming the known ones', () => {
    const error = refusal(() => addProcessor(spec, { id: 'mind-reader' }));
    expect(error.issues[0]?.path).toBe('params.id');
    expect(error.issues[0]?.message).toMatch(/unknown processor "mind-reader".*loop-guard/);
    expect(error.entity).toBe('catalogue operator "add-processor"');
  });

  it('refuses a processor already present', () => {
    expect(refusal(() => addProcessor(spec, { id: 'goal-pin' })).issues[0]?.message).toMatch(
      /already in the harness/,
    );
  });

  it('refuses options the processor schema rejects, at the option path', () => {
    const error = refusal(() => addProcessor(spec, { id: 'loop-guard', options: { maxRepeats: 0 } }));
    expect(error.issues[0]?.path).toBe('params.options.maxRepeats');
    expect(
      refusal(() => addProcessor(spec, { id: 'loop-guard', options: { shout: true } })).issues[0]?.message,
    ).toMatch(/invalid options/);
  });

  it('refuses a missing anchor and a double anchor', () => {
    expect(
      refusal(() => addProcessor(spec, { id: 'plan-first', before: 'loop-guard' })).issues[0]?.path,
    ).toBe('params.before');
    expect(
      refusal(() => addProcessor(spec, { id: 'plan-first', before: 'goal-pin', after: 'goal-pin' })).issues[0]
        ?.message,
    ).toMatch(/not both/);
  });

  it('validates params of unknown shape through the catalogue entry', () => {
    expect(refusal(() => addProcessorOperator.apply(spec, { id: 3 })).issues[0]?.path).toBe('id');
    expect(
      refusal(() => addProcessorOperator.apply(spec, { id: 'loop-guard', extra: 1 })).issues[0]?.message,
    ).toMatch(/extra/);
  });
});
