/**
 * `HarnessSpec` (`harnessx.harness/1`): the harness as a serialisable, versioned object.
 * H = (M, C): `models` is configuration kept apart from the harness logic (`processors`, `slots`,
 * `budgets`).
 */
import { z } from 'zod';
import { InputError } from '../errors.ts';
import type { SafeParseResult } from '../schema.ts';
import { findForbiddenKeys, safeParseWith } from '../schema.ts';

export const HARNESS_SCHEMA_VERSION = 'harnessx.harness/1';

const nameSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,63}$/,
    'expected a lower-case name of 1-64 characters: a-z, 0-9, ".", "_", "-"',
  );

export const contentIdSchema = z
  .string()
  .regex(/^sha256:[0-9a-f]{64}$/, 'expected "sha256:" and 64 hex digits');

export const modelConfigSchema = z
  .object({
    provider: z
      .string()
      .min(1)
      .describe('Provider adapter: openai-compatible, bedrock, replay or simulated.'),
    model: z.string().min(1).describe('Model id as the provider knows it.'),
    options: z
      .record(z.string(), z.unknown())
      .default({})
      .describe('Provider options (baseUrl, temperature, ...).'),
  })
  .strict();

export const modelRoleSchema = modelConfigSchema
  .extend({ fallback: modelConfigSchema.optional().describe('Model used when a processor routes away.') })
  .strict();

const builtinProcessorRefSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{1,63}$/, 'expected a kebab-case processor id'),
    version: z.number().int().positive().default(1),
    options: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

const codeProcessorRefSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{1,63}$/, 'expected a kebab-case processor id'),
    code: z
      .object({
        language: z.literal('js'),
        source: z.string().min(1).max(200_000),
        sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 hex digits'),
      })
      .strict(),
    options: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export const processorRefSchema = z.union([builtinProcessorRefSchema, codeProcessorRefSchema]);

export const budgetsSchema = z
  .object({
    maxTurns: z.number().int().min(1).max(1000).default(30),
    maxTokens: z.number().int().min(1).default(200_000),
    maxToolCalls: z.number().int().min(1).default(100),
    wallClockMs: z.number().int().min(1).default(300_000),
  })
  .strict();

export const slotsSchema = z
  .object({
    systemPrompt: z
      .string()
      .max(100_000)
      .default('You are a helpful agent. Use the tools to complete the task.'),
    tools: z
      .object({
        enabled: z.union([z.literal('all'), z.array(z.string().min(1))]).default('all'),
        options: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
      })
      .strict()
      .default({ enabled: 'all', options: {} }),
    memory: z
      .object({ kind: z.enum(['none', 'episode']).default('none') })
      .strict()
      .default({ kind: 'none' }),
    workspace: z.string().optional(),
  })
  .strict();

export const harnessSpecSchema = z
  .object({
    schemaVersion: z.literal(HARNESS_SCHEMA_VERSION),
    name: nameSchema,
    description: z.string().max(10_000).optional(),
    parent: contentIdSchema.optional(),
    models: z
      .object({
        worker: modelRoleSchema,
        meta: modelRoleSchema.optional(),
        judge: modelRoleSchema.optional(),
      })
      .strict(),
    processors: z.array(processorRefSchema).max(64).default([]),
    slots: slotsSchema.default(slotsSchema.parse({})),
    budgets: budgetsSchema.default(budgetsSchema.parse({})),
  })
  .strict();

export type HarnessSpec = z.output<typeof harnessSpecSchema>;
export type HarnessSpecInput = z.input<typeof harnessSpecSchema>;
export type ProcessorRef = z.output<typeof processorRefSchema>;
export type ModelConfig = z.output<typeof modelConfigSchema>;
export type ModelRole = z.output<typeof modelRoleSchema>;
export type HarnessBudgets = z.output<typeof budgetsSchema>;

/** Validates a harness document; never throws. `source` names where it came from (file path). */
export function safeParseHarnessSpec(value: unknown, source = 'harness spec'): SafeParseResult<HarnessSpec> {
  const forbidden = findForbiddenKeys(value);
  if (forbidden.length > 0)
    return { success: false, error: new InputError('harness spec', source, forbidden) };
  return safeParseWith(harnessSpecSchema, value, 'harness spec', source);
}

/**
 * Validates a harness document and returns it with defaults filled in.
 * @throws InputError naming the source, each path and what was expected.
 * @example
 * const spec = parseHarnessSpec(YAML.parse(text), 'examples/harnesses/baseline.yaml');
 */
export function parseHarnessSpec(value: unknown, source = 'harness spec'): HarnessSpec {
  const result = safeParseHarnessSpec(value, source);
  if (!result.success) throw result.error;
  return result.data;
}
