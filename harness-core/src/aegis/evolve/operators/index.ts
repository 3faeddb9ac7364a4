/**
 * The catalogue of structural (and one prompt) edit operators: single edits that need no LLM, so
 * the evolution loop works offline. Each operator is a pure function of a spec and validated
 * params; `applyCatalogueEdit` dispatches a plan's operator call to it.
 */
import { InputError } from '../../../errors.ts';
import type { HarnessSpec } from '../../../harness/spec.ts';
import type { OperatorCall } from '../../artifacts/plan.ts';
import { addProcessorOperator } from './add-processor.ts';
import { addVerificationOperator } from './add-verification.ts';
import { appendSystemPromptOperator } from './append-system-prompt.ts';
import type { CatalogueOperator, OperatorResult } from './catalogue-operator.ts';
import { configureProcessorOperator } from './configure-processor.ts';
import { enableToolOperator } from './enable-tool.ts';
import { removeProcessorOperator } from './remove-processor.ts';
import { reorderProcessorOperator } from './reorder-processor.ts';
import { restrictToolsOperator } from './restrict-tools.ts';
import { setBudgetSplitOperator } from './set-budget-split.ts';
import { setCompactionOperator } from './set-compaction.ts';
import { setMemoryOperator } from './set-memory.ts';
import { swapProcessorOperator } from './swap-processor.ts';

export * from './add-processor.ts';
export * from './add-verification.ts';
export * from './append-system-prompt.ts';
export * from './catalogue-operator.ts';
export * from './configure-processor.ts';
export * from './enable-tool.ts';
export * from './remove-processor.ts';
export * from './reorder-processor.ts';
export * from './resolve-processor-order.ts';
export * from './restrict-tools.ts';
export * from './set-budget-split.ts';
export * from './set-compaction.ts';
export * from './set-memory.ts';
export * from './swap-processor.ts';

/** Every catalogue operator, by id. */
export const catalogueOperators: ReadonlyMap<string, CatalogueOperator> = new Map(
  (
    [
      addProcessorOperator,
      removeProcessorOperator,
      reorderProcessorOperator,
      configureProcessorOperator,
      enableToolOperator,
      restrictToolsOperator,
      setCompactionOperator,
      setMemoryOperator,
      setBudgetSplitOperator,
      addVerificationOperator,
      appendSystemPromptOperator,
      swapProcessorOperator,
    ] as CatalogueOperator[]
  ).map((operator) => [operator.id, operator]),
);

/**
 * Applies one operator call from a plan to a spec.
 * @throws InputError for an operator the catalogue lacks, bad params or an edit that cannot be made.
 * @example
 * const { spec, changes } = applyCatalogueEdit(baseline, { operator: 'add-verification', params: {} });
 */
export function applyCatalogueEdit(spec: HarnessSpec, call: OperatorCall): OperatorResult {
  const operator = catalogueOperators.get(call.operator);
  if (!operator) {
    throw new InputError('catalogue edit', 'plan hypothesis', [
      {
        path: 'operator',
        message: `"${call.operator}" is not a catalogue operator; known: ${[...catalogueOperators.keys()].sort().join(', ')}`,
      },
    ]);
  }
  return operator.apply(spec, call.params);
}
