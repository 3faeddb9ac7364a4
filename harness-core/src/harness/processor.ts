/**
 * A processor: a named, versioned unit of harness logic plugged into lifecycle hooks. `create` is
 * called once per episode, so per-episode state lives in the closure and never leaks across
 * episodes or concurrent runs.
 */
import type { z } from 'zod';
import type { ProcessorHooks } from './hooks.ts';

/** The nine dimensions of harness engineering a processor can act on. */
export const PROCESSOR_DIMENSIONS = [
  'model-routing',
  'context-compaction',
  'memory',
  'tool-use',
  'execution-limits',
  'verification',
  'control-flow-safety',
  'observability',
  'training-bridge',
] as const;
export type ProcessorDimension = (typeof PROCESSOR_DIMENSIONS)[number];

/** `pre` runs first, `post` last; a number gives a finer position (pre = 0, normal = 50, post = 100). */
export type ProcessorOrder = 'pre' | 'normal' | 'post' | number;

export interface ProcessorDefinition<Options = Record<string, unknown>> {
  readonly id: string;
  readonly version: number;
  readonly description: string;
  readonly dimension: ProcessorDimension;
  /** Strict options schema with documented defaults; `{}` must parse. */
  readonly optionsSchema: z.ZodType<Options>;
  readonly order?: ProcessorOrder;
  /** Processors (by id) that must run before this one on every hook, when present. */
  readonly after?: readonly string[];
  /** At most one processor of a group may be in a harness (e.g. two compaction strategies). */
  readonly singletonGroup?: string;
  create(options: Options): ProcessorHooks;
}

export function defineProcessor<Options>(
  definition: ProcessorDefinition<Options>,
): ProcessorDefinition<Options> {
  return definition;
}

export function orderRank(order: ProcessorOrder | undefined): number {
  if (order === undefined || order === 'normal') return 50;
  if (order === 'pre') return 0;
  if (order === 'post') return 100;
  return order;
}
