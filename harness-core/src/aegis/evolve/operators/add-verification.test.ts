import { describe, expect, it } from 'vitest';
import { InputError } from '../../../errors.ts';
import { parseHarnessSpec } from '../../../harness/spec.ts';
import { addVerification } from './add-verification.ts';

const base = {
  schemaVersion: 'harnessx.harness/1',
  name: 'test-harness',
  models: { worker: { provider: 'simulated', model: 'sim' } },
};

function refusal(edit: () => unknown): InputError {
  try {
    edit();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected the edit to be refused');
}

describe('add-verification', () => {
  it('adds verify-before-finish with its options', () => {
    const { spec, changes } = addVerification(parseHarnessSpec(base), { options: { maxChecks: 2 } });
    expect(spec.processors).toEqual([{ id: 'verify-before-finish', version: 1, options: { maxChecks: 2 } }]);
    expect(changes).toEqual([
      { kind: 'add-processor', target: 'verify-before-finish', after: spec.processors[0] },
    ]);
  });

  it('refuses when verification is already present, under its own name', () => {
    const present = parseHarnessSpec({ ...base, processors: [{ id: 'verify-before-finish' }] });
    const error = refusal(() => addVerification(present, {}));
    expect(error.entity).toBe('catalogue operator "add-verification"');
    expect(error.issues[0]?.message).toMatch(/already in the harness; use configure-processor/);
  });

  it('refuses options the verifier rejects', () => {
    expect(
      refusal(() => addVerification(parseHarnessSpec(base), { options: { maxChecks: 11 } })).issues[0]?.path,
    ).toBe('params.options.maxChecks');
  });
});
