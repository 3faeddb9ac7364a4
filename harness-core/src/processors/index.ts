/**
 * The built-in processors, one per file, and a registry holding all of them. A harness spec
 * names processors by id; `createBuiltinRegistry().resolve(spec.processors)` turns the names into
 * ordered, option-checked processors for the runtime.
 */
import type { ProcessorDefinition } from '../harness/processor.ts';
import { ProcessorRegistry } from '../harness/registry.ts';
import { budgetGuard } from './budget-guard.ts';
import { contextCompaction } from './context-compaction.ts';
import { dangerousToolApproval } from './dangerous-tool-approval.ts';
import { failureReflection } from './failure-reflection.ts';
import { goalPin } from './goal-pin.ts';
import { loopGuard } from './loop-guard.ts';
import { modelFallback } from './model-fallback.ts';
import { planFirst } from './plan-first.ts';
import { stateTrackerMemory } from './state-tracker-memory.ts';
import { toolArgumentRepair } from './tool-argument-repair.ts';
import { toolResultTruncation } from './tool-result-truncation.ts';
import { toolRetry } from './tool-retry.ts';
import { trainingBridge } from './training-bridge.ts';
import { turnObserver } from './turn-observer.ts';
import { verifyBeforeFinish } from './verify-before-finish.ts';

export { budgetGuard } from './budget-guard.ts';
export { contextCompaction } from './context-compaction.ts';
export { dangerousToolApproval } from './dangerous-tool-approval.ts';
export { failureReflection } from './failure-reflection.ts';
export { goalPin } from './goal-pin.ts';
export { loopGuard } from './loop-guard.ts';
export { modelFallback } from './model-fallback.ts';
export { planFirst } from './plan-first.ts';
export { stateTrackerMemory } from './state-tracker-memory.ts';
export { toolArgumentRepair } from './tool-argument-repair.ts';
export { toolResultTruncation } from './tool-result-truncation.ts';
export { toolRetry } from './tool-retry.ts';
export { trainingBridge } from './training-bridge.ts';
export { turnObserver } from './turn-observer.ts';
export { verifyBeforeFinish } from './verify-before-finish.ts';

/** Every built-in processor, sorted by id. */
export const builtinProcessors: readonly ProcessorDefinition<unknown>[] = [
  budgetGuard,
  contextCompaction,
  dangerousToolApproval,
  failureReflection,
  goalPin,
  loopGuard,
  modelFallback,
  planFirst,
  stateTrackerMemory,
  toolArgumentRepair,
  toolResultTruncation,
  toolRetry,
  trainingBridge,
  turnObserver,
  verifyBeforeFinish,
];

/**
 * A registry with every built-in processor registered.
 * @example
 * const processors = createBuiltinRegistry().resolve(spec.processors, 'examples/harnesses/baseline.yaml');
 */
export function createBuiltinRegistry(): ProcessorRegistry {
  const registry = new ProcessorRegistry();
  for (const definition of builtinProcessors) registry.register(definition);
  return registry;
}
