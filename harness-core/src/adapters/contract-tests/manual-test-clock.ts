/** A test double for `Clock`: time stands still until the test moves it. */
import type { Clock } from '../../ports/clock.ts';

export interface ManualTestClock extends Clock {
  /** Moves time forward by `ms` milliseconds. */
  advance(ms: number): void;
  /** Jumps to `at`. */
  set(at: Date): void;
}

/**
 * A `Clock` test double that starts at `start` and moves only when told.
 *
 * @example
 * const clock = createManualTestClock();
 * clock.advance(60_000);
 */
export function createManualTestClock(start: Date = new Date('2026-01-01T00:00:00.000Z')): ManualTestClock {
  let nowMs = start.getTime();
  return {
    now: () => new Date(nowMs),
    advance(ms) {
      nowMs += ms;
    },
    set(at) {
      nowMs = at.getTime();
    },
  };
}
