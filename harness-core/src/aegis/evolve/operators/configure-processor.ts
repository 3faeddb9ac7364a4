/**
 * `configure-processor`: merges options into a built-in processor that is present, validated
 * against its options schema. Evolved code processors are not re-configured by the catalogue:
 * their options have no schema the catalogue can check.
 */
import { z } from 'zod';
import type { HarnessSpec } from '../../../harness/spec.ts';
import {
  defineCatalogueOperator,
  type OperatorResult,
  operatorError,
  parseOperatorParams,
} from './catalogue-operator.ts';
import { checkProcessorOptions, copySpec, requireBuiltin, requirePresent, sameJson } from './spec-access.ts';

export const CONFIGURE_PROCESSOR = 'configure-processor';

export const configureProcessorParamsSchema = z
  .object({
    id: z.string().min(1),
    /** Shallow-merged over the current options (an array option is replaced whole). */
    options: z
      .record(z.string(), z.unknown())
      .refine((options) => Object.keys(options).length > 0, { message: 'expected at least one option' }),
  })
  .strict();

export type ConfigureProcessorParams = z.input<typeof configureProcessorParamsSchema>;

/** Re-configures a processor (pure). */
export function configureProcessor(spec: HarnessSpec, params: ConfigureProcessorParams): OperatorResult {
  const { id, options } = parseOperatorParams(CONFIGURE_PROCESSOR, configureProcessorParamsSchema, params);
  const index = requirePresent(CONFIGURE_PROCESSOR, 'params.id', spec, id);
  const current = spec.processors[index]!;
  if ('code' in current) {
    throw operatorError(
      CONFIGURE_PROCESSOR,
      'params.id',
      `"${id}" is an evolved code processor; the catalogue does not re-configure those`,
    );
  }
  const definition = requireBuiltin(CONFIGURE_PROCESSOR, 'params.id', id);
  const merged = { ...current.options, ...structuredClone(options) };
  checkProcessorOptions(CONFIGURE_PROCESSOR, 'params.options', definition, merged);
  // Compared with defaults filled in: setting an option to its default is no edit either.
  if (sameJson(definition.optionsSchema.parse(merged), definition.optionsSchema.parse(current.options))) {
    throw operatorError(
      CONFIGURE_PROCESSOR,
      'params.options',
      `"${id}" already runs with these options; nothing would change`,
    );
  }
  const next = copySpec(spec);
  next.processors[index] = { ...current, options: merged };
  return {
    spec: next,
    changes: [{ kind: 'configure-processor', target: id, before: current.options, after: merged }],
  };
}

export const configureProcessorOperator = defineCatalogueOperator({
  id: CONFIGURE_PROCESSOR,
  description: 'Merge options into a present built-in processor, checked against its options schema.',
  kind: 'structural',
  paramsSchema: configureProcessorParamsSchema,
  edit: configureProcessor,
});
