import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nowUnixNano, unixNanoAt } from './clock.ts';

const originNs = BigInt(Math.round(performance.timeOrigin * 1e6));

describe('unixNanoAt', () => {
  it('equals the exact BigInt sum of the time origin and the elapsed nanoseconds', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 9e9, noNaN: true }), (elapsedMs) => {
        expect(unixNanoAt(elapsedMs)).toBe((originNs + BigInt(Math.round(elapsedMs * 1e6))).toString());
      }),
      { numRuns: 5000 },
    );
  });

  it('pads the nanoseconds of a second that starts with zeros, across second boundaries', () => {
    const remainderMs = Number(originNs % 1_000_000_000n) / 1e6;
    for (const offsetMs of [-1, -0.000001, 0, 0.000001, 0.05, 1, 99.999999, 100, 2000]) {
      const elapsedMs = Math.max(0, 1000 - remainderMs + offsetMs);
      expect(unixNanoAt(elapsedMs)).toBe((originNs + BigInt(Math.round(elapsedMs * 1e6))).toString());
    }
  });
});

describe('unixNanoAt in bursts', () => {
  it('stays exact for stamps within one millisecond, and a whole number of seconds apart', () => {
    const exact = (ms: number) => (originNs + BigInt(Math.round(ms * 1e6))).toString();
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 9e6, noNaN: true }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.double({ min: 0, max: 0.999, noNaN: true }))),
        (startMs, steps) => {
          for (const [seconds, withinMs] of steps) {
            const elapsedMs = startMs + seconds * 1000 + withinMs;
            expect(unixNanoAt(elapsedMs)).toBe(exact(elapsedMs));
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('nowUnixNano', () => {
  it('never goes backwards', () => {
    let previous = 0n;
    for (let i = 0; i < 10_000; i++) {
      const stamp = BigInt(nowUnixNano());
      expect(stamp >= previous).toBe(true);
      previous = stamp;
    }
  });
});
