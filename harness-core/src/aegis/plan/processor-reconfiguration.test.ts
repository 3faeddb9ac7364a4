import { describe, expect, it } from 'vitest';
import { reconfiguration } from './processor-reconfiguration.ts';

describe('reconfiguration', () => {
  it('turns each knob one step, from the defaults when options are empty', () => {
    expect(reconfiguration('verify-before-finish', {})).toEqual({ maxChecks: 2 });
    expect(reconfiguration('loop-guard', {})).toEqual({ maxRepeats: 1 });
    expect(reconfiguration('state-tracker-memory', {})).toEqual({ omitRecentTokens: 300 });
    expect(reconfiguration('context-compaction', {}, 'state')).toEqual({ keepRecentTurns: 4 });
    expect(reconfiguration('context-compaction', {}, 'budget')).toEqual({ maxContextTokens: 1125 });
    expect(reconfiguration('tool-result-truncation', {})).toEqual({ maxChars: 1500 });
    expect(reconfiguration('budget-guard', {})).toEqual({ warnTurnsLeft: 5 });
    expect(reconfiguration('tool-retry', {})).toEqual({ maxRetries: 3 });
    expect(reconfiguration('model-fallback', { afterConsecutiveErrors: 3 })).toEqual({
      afterConsecutiveErrors: 2,
    });
    expect(reconfiguration('tool-argument-repair', { coerceTypes: false })).toEqual({ coerceTypes: true });
  });

  it('stops at the bounds and for processors without a knob', () => {
    expect(reconfiguration('verify-before-finish', { maxChecks: 3 })).toBeUndefined();
    expect(reconfiguration('loop-guard', { maxRepeats: 1 })).toBeUndefined();
    expect(reconfiguration('tool-argument-repair', {})).toBeUndefined();
    expect(reconfiguration('context-compaction', { maxContextTokens: 600 }, 'budget')).toBeUndefined();
    expect(reconfiguration('model-fallback', {})).toBeUndefined();
    expect(reconfiguration('goal-pin', {})).toBeUndefined();
    expect(reconfiguration('no-such-processor', {})).toBeUndefined();
  });

  it('proposes nothing for options the processor would reject', () => {
    expect(reconfiguration('loop-guard', { maxRepeats: 'many' })).toBeUndefined();
  });
});
