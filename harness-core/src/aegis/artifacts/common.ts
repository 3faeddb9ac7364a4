/** Schema pieces shared by several AEGIS artifacts. */
import { z } from 'zod';
import { PROCESSOR_DIMENSIONS } from '../../harness/processor.ts';

export const cycleIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'expected a cycle id like "household-c003"');
export const contentIdSchema = z
  .string()
  .regex(/^sha256:[0-9a-f]{64}$/, 'expected "sha256:" and 64 hex digits');
export const leverSchema = z.enum(PROCESSOR_DIMENSIONS);
export const taskIdListSchema = z.array(z.string().min(1)).max(10_000);

export const tokenCountSchema = z
  .object({
    input: z.number().int().nonnegative(),
    output: z.number().int().nonnegative(),
    costUsd: z.number().nonnegative(),
  })
  .strict();

/** The failure classes the deterministic digest analysers assign, `none` for a success. */
export const FAILURE_CLASSES = [
  'none',
  'early-finish',
  'malformed-arguments',
  'repeated-failed-action',
  'invalid-action',
  'lost-state',
  'turn-budget-exhausted',
  'token-budget-exhausted',
  'model-error',
  'processor-error',
  'aborted',
  'unknown',
] as const;
export const failureClassSchema = z.enum(FAILURE_CLASSES);
export type FailureClass = z.infer<typeof failureClassSchema>;
