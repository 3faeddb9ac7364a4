/**
 * The limits of one sandbox session (one episode of one code processor), with their defaults.
 * `resolveSandboxLimits` validates a partial override and fills in the rest.
 */
import { z } from 'zod';
import { parseWith } from '../schema.ts';

const MIB = 1024 * 1024;

export const sandboxLimitsSchema = z
  .object({
    memoryLimitBytes: z
      .number()
      .int()
      .min(1 * MIB)
      .max(512 * MIB)
      .default(16 * MIB)
      .describe('Heap the processor may use; its WebAssembly memory is capped at 16 MiB base plus this.'),
    maxStackSizeBytes: z
      .number()
      .int()
      .min(16 * 1024)
      .max(1 * MIB)
      .default(256 * 1024)
      .describe('QuickJS stack limit: bounds recursion.'),
    deadlineMs: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(50)
      .describe('Wall-clock limit of one hook call.'),
    instructionBudget: z
      .number()
      .int()
      .min(10_000)
      .max(1_000_000_000)
      .default(4_000_000)
      .describe(
        'Branch and call operations one hook call may run (counted in steps of about 10,000, as QuickJS polls).',
      ),
    loadDeadlineMs: z
      .number()
      .int()
      .min(1)
      .max(30_000)
      .default(250)
      .describe('Wall-clock limit of loading the source (its top-level code) and reading its hooks.'),
    hardLimitGraceMs: z
      .number()
      .int()
      .min(50)
      .max(60_000)
      .default(500)
      .describe(
        'Past the deadline plus this, the host terminates the sandbox worker (a loop of slow native calls evades the interrupt handler).',
      ),
    maxArgsBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * MIB)
      .default(4 * MIB)
      .describe('Largest JSON text of one hook call arguments.'),
    maxResultBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * MIB)
      .default(4 * MIB)
      .describe('Largest JSON text of one returned patch.'),
    maxEmitsPerCall: z
      .number()
      .int()
      .min(0)
      .max(256)
      .default(32)
      .describe('Trace events one hook call may emit.'),
  })
  .strict();

export type SandboxLimits = z.output<typeof sandboxLimitsSchema>;
export type SandboxLimitsInput = z.input<typeof sandboxLimitsSchema>;

/** The default limits. */
export const DEFAULT_SANDBOX_LIMITS: Readonly<SandboxLimits> = Object.freeze(sandboxLimitsSchema.parse({}));

/**
 * Validates an override of the limits and fills in the defaults.
 * @throws InputError naming `source` and the bad field.
 */
export function resolveSandboxLimits(
  input: SandboxLimitsInput = {},
  source = 'sandbox limits',
): SandboxLimits {
  return parseWith(sandboxLimitsSchema, input, 'sandbox limits', source);
}
