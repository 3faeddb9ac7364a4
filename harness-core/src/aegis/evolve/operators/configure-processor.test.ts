import { describe, expect, it } from 'vitest';
import { InputError } from '../../../errors.ts';
import { parseHarnessSpec } from '../../../harness/spec.ts';
import { configureProcessor } from './configure-processor.ts';

const spec = parseHarnessSpec({
  schemaVersion: 'harnessx.harness/1',
  name: 'test-harness',
  models: { worker: { provider: 'simulated', model: 'sim' } },
  processors: [
    { id: 'loop-guard', options: { maxRepeats: 3 } },
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

describe('configure-processor', () => {
  it('merges options over the current ones and records before and after', () => {
    const { spec: next, changes } = configureProcessor(spec, {
      id: 'loop-guard',
      options: { maxIdenticalCalls: 2 },
    });
    expect(next.processors[0]).toEqual({
      id: 'loop-guard',
      version: 1,
      options: { maxRepeats: 3, maxIdenticalCalls: 2 },
    });
    expect(changes).toEqual([
      {
        kind: 'configure-processor',
        target: 'loop-guard',
        before: { maxRepeats: 3 },
        after: { maxRepeats: 3, maxIdenticalCalls: 2 },
      },
    ]);
    expect(spec.processors[0]?.options).toEqual({ maxRepeats: 3 });
  });

  it('refuses merged options the schema rejects', () => {
    const error = refusal(() => configureProcessor(spec, { id: 'loop-guard', options: { maxRepeats: 500 } }));
    expect(error.issues[0]?.path).toBe('params.options.maxRepeats');
  });

  it('refuses an edit that changes nothing, defaults included', () => {
    expect(
      refusal(() => configureProcessor(spec, { id: 'loop-guard', options: { maxRepeats: 3 } })).issues[0]
        ?.message,
    ).toMatch(/nothing would change/);
    // maxIdenticalCalls defaults to 4: setting it explicitly is no edit either.
    expect(() => configureProcessor(spec, { id: 'loop-guard', options: { maxIdenticalCalls: 4 } })).toThrow(
      /nothing would change/,
    );
  });

  it('refuses an absent processor, a code processor and empty options', () => {
    expect(
      refusal(() => configureProcessor(spec, { id: 'goal-pin', options: { position: 'start' } })).issues[0]
        ?.path,
    ).toBe('params.id');
    expect(
      refusal(() => configureProcessor(spec, { id: 'evolved-hint', options: { a: 1 } })).issues[0]?.message,
    ).toMatch(/evolved code processor/);
    expect(refusal(() => configureProcessor(spec, { id: 'loop-guard', options: {} })).issues[0]?.path).toBe(
      'options',
    );
  });
});
