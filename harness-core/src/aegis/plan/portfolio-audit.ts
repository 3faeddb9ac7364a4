/**
 * Portfolio audit: a lever shipped in at least 2 of the last 3 cycles whose shipped hypotheses'
 * predicted unlocks mostly did not come true (hit rate below 0.4) is blocked for this cycle, so
 * the loop stops spending candidates on a lever that wins the gate for reasons it cannot predict.
 * A lever with no scored prediction yet is not judged: there is no rate to be low.
 */
import type { Plan } from '../artifacts/plan.ts';
import type { LeverRecord } from './lever-history.ts';

export const BLOCK_MIN_SHIPPED = 2;
export const BLOCK_HIT_RATE_BELOW = 0.4;

export type BlockedLever = Plan['portfolio']['blocked'][number];

export function auditPortfolio(records: readonly LeverRecord[]): BlockedLever[] {
  return records
    .filter(
      (record) =>
        record.shippedInLast3 >= BLOCK_MIN_SHIPPED &&
        record.predictions > 0 &&
        record.hitRate < BLOCK_HIT_RATE_BELOW,
    )
    .map((record) => ({
      lever: record.lever,
      reason: `shipped in ${record.shippedInLast3} of the last 3 cycles with a hit rate of ${record.hitRate.toFixed(2)} (below ${BLOCK_HIT_RATE_BELOW}) over ${record.predictions} predicted unlocks`,
    }));
}
