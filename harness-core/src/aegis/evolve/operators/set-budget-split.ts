/**
 * `set-budget-split`: re-distributes an episode's budgets downwards, e.g. fewer tool calls than
 * turns allow, so a looping agent stops earlier. It never raises a budget: raising one buys reward
 * with cost and hides the failure instead of fixing it (the critic flags it as constraint
 * relaxation), so the catalogue refuses to make that edit at all.
 */
import { z } from 'zod';
import type { HarnessBudgets, HarnessSpec } from '../../../harness/spec.ts';
import type { Change } from '../../artifacts/candidate.ts';
import {
  defineCatalogueOperator,
  type OperatorResult,
  operatorError,
  parseOperatorParams,
} from './catalogue-operator.ts';
import { copySpec } from './spec-access.ts';

export const SET_BUDGET_SPLIT = 'set-budget-split';

export const setBudgetSplitParamsSchema = z
  .object({
    maxTurns: z.number().int().min(1).optional(),
    maxTokens: z.number().int().min(1).optional(),
    maxToolCalls: z.number().int().min(1).optional(),
    wallClockMs: z.number().int().min(1).optional(),
  })
  .strict()
  .refine((params) => Object.values(params).some((value) => value !== undefined), {
    message: 'expected at least one budget',
  });

export type SetBudgetSplitParams = z.input<typeof setBudgetSplitParamsSchema>;

const BUDGET_NAMES = [
  'maxTurns',
  'maxTokens',
  'maxToolCalls',
  'wallClockMs',
] as const satisfies readonly (keyof HarnessBudgets)[];

/** Lowers one or more budgets (pure); refuses any raise. */
export function setBudgetSplit(spec: HarnessSpec, params: SetBudgetSplitParams): OperatorResult {
  const budgets = parseOperatorParams(SET_BUDGET_SPLIT, setBudgetSplitParamsSchema, params);
  const next = copySpec(spec);
  const changes: Change[] = [];
  for (const name of BUDGET_NAMES) {
    const value = budgets[name];
    if (value === undefined) continue;
    const current = spec.budgets[name];
    if (value > current) {
      throw operatorError(
        SET_BUDGET_SPLIT,
        `params.${name}`,
        `would raise budgets.${name} from ${current} to ${value}; budgets are only ever lowered`,
      );
    }
    if (value === current) continue;
    next.budgets[name] = value;
    changes.push({ kind: 'set-budget', target: `budgets.${name}`, before: current, after: value });
  }
  if (changes.length === 0)
    throw operatorError(
      SET_BUDGET_SPLIT,
      '',
      'every budget given equals the current one; nothing would change',
    );
  return { spec: next, changes };
}

export const setBudgetSplitOperator = defineCatalogueOperator({
  id: SET_BUDGET_SPLIT,
  description: 'Lower turn, token, tool-call or wall-clock budgets; never raises one.',
  kind: 'structural',
  paramsSchema: setBudgetSplitParamsSchema,
  edit: setBudgetSplit,
});
