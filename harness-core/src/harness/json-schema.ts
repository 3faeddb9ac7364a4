/** JSON Schema export of the versioned documents, for editors and other languages. */
import { z } from 'zod';
import { harnessSpecSchema } from './spec.ts';

export const EXPORTABLE_SCHEMAS = { harness: harnessSpecSchema } as const;
export type ExportableSchemaName = keyof typeof EXPORTABLE_SCHEMAS;

/** The JSON Schema (draft 2020-12) of an input document, e.g. `harness` for `harnessx.harness/1`. */
export function exportJsonSchema(name: ExportableSchemaName): Record<string, unknown> {
  const schema = z.toJSONSchema(EXPORTABLE_SCHEMAS[name], { io: 'input', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  return { $id: `https://harnessx.dev/schemas/${name}-1.json`, title: `harnessx.${name}/1`, ...schema };
}
