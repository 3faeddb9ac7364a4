/**
 * The per-lever record the portfolio audit reads: in which of the last three cycles the lever was
 * shipped, and how many of the unlocks predicted by its shipped hypotheses came true.
 *
 * `harnessx.plan/1`'s `LeverHistory` stores only the count `shippedInLast3`, and a count cannot be
 * slid forward one cycle (which of the three was the oldest?). So the record here adds
 * `shippedRecently`: one flag per cycle, newest first, at most three. Records without it (written
 * before it existed) are read as if their shipments were the most recent cycles.
 */
import { z } from 'zod';
import { InputError } from '../../errors.ts';
import { PROCESSOR_DIMENSIONS } from '../../harness/processor.ts';
import { parseWith } from '../../schema.ts';
import { type LeverHistory, leverHistorySchema, type Plan } from '../artifacts/plan.ts';

/** Cycles the portfolio audit looks back over. */
export const SHIPPING_WINDOW = 3;

export const leverRecordSchema = leverHistorySchema
  .extend({
    /** Newest first: whether a hypothesis on this lever was shipped in each of the last cycles. */
    shippedRecently: z.array(z.boolean()).max(SHIPPING_WINDOW).optional(),
  })
  .strict();

export const leverRecordListSchema = z
  .array(leverRecordSchema)
  .refine((records) => new Set(records.map((record) => record.lever)).size === records.length, {
    message: 'expected at most one record per lever',
  });

export type LeverRecord = z.output<typeof leverRecordSchema>;

/** Validates stored lever records. @throws InputError naming the source and path. */
export function parseLeverRecords(value: unknown, source = 'lever history'): LeverRecord[] {
  return parseWith(leverRecordListSchema, value, 'lever history', source);
}

/** The schema's `LeverHistory` view of a record (for `plan.portfolio.levers`). */
export function toLeverHistory(record: LeverRecord): LeverHistory {
  return {
    lever: record.lever,
    shippedInLast3: record.shippedInLast3,
    hitRate: record.hitRate,
    predictions: record.predictions,
  };
}

function recentFlags(record: LeverRecord): boolean[] {
  if (record.shippedRecently) return [...record.shippedRecently];
  return Array.from({ length: SHIPPING_WINDOW }, (_, index) => index < record.shippedInLast3);
}

export interface LeverHistoryUpdate {
  /** The plan of the cycle that just ended. */
  plan: Plan;
  /** The hypothesis whose candidate was accepted, if one was. */
  acceptedHypothesisId?: string;
  /** Tasks the accepted version solves that its parent did not (adaptation split). */
  unlockedTaskIds: readonly string[];
}

/**
 * Records one finished cycle (pure): every lever's window slides by one cycle; the accepted
 * hypothesis's lever is marked shipped, and its predicted unlocks are scored against the tasks
 * actually unlocked. Returns one record per lever seen so far, in dimension order.
 * @throws InputError when `acceptedHypothesisId` is not a hypothesis of the plan.
 * @example
 * const next = updateLeverHistory(history, { plan, acceptedHypothesisId: 'household-c001-h1', unlockedTaskIds: ['household-007'] });
 */
export function updateLeverHistory(
  history: readonly LeverRecord[],
  update: LeverHistoryUpdate,
): LeverRecord[] {
  const records = parseLeverRecords(history);
  const accepted =
    update.acceptedHypothesisId === undefined
      ? undefined
      : update.plan.hypotheses.find((hypothesis) => hypothesis.id === update.acceptedHypothesisId);
  if (update.acceptedHypothesisId !== undefined && !accepted) {
    throw new InputError('lever history update', `plan ${update.plan.cycleId}`, [
      {
        path: 'acceptedHypothesisId',
        message: `"${update.acceptedHypothesisId}" is not a hypothesis of this plan`,
      },
    ]);
  }
  const byLever = new Map(records.map((record) => [record.lever, record]));
  if (accepted && !byLever.has(accepted.lever)) {
    // A lever first seen now has no earlier cycles to claim anything about.
    byLever.set(accepted.lever, {
      lever: accepted.lever,
      shippedInLast3: 0,
      hitRate: 0,
      predictions: 0,
      shippedRecently: [],
    });
  }
  const unlocked = new Set(update.unlockedTaskIds);
  return PROCESSOR_DIMENSIONS.flatMap((lever) => {
    const record = byLever.get(lever);
    if (!record) return [];
    const shipped = accepted?.lever === lever;
    const shippedRecently = [shipped, ...recentFlags(record)].slice(0, SHIPPING_WINDOW);
    // hitRate is stored as a ratio; the hit count it came from is an integer, recovered exactly.
    let hits = Math.round(record.hitRate * record.predictions);
    let predictions = record.predictions;
    if (shipped && accepted) {
      predictions += accepted.predicted.unlock.length;
      hits += accepted.predicted.unlock.filter((task) => unlocked.has(task)).length;
    }
    return [
      {
        lever,
        shippedInLast3: shippedRecently.filter(Boolean).length,
        hitRate: predictions === 0 ? 0 : hits / predictions,
        predictions,
        shippedRecently,
      },
    ];
  });
}
