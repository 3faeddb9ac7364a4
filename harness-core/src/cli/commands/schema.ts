/** `harnessx schema <name>`: prints the JSON Schema of a versioned input document. */
import { InputError } from '../../errors.ts';
import {
  EXPORTABLE_SCHEMAS,
  type ExportableSchemaName,
  exportJsonSchema,
} from '../../harness/json-schema.ts';
import type { CliIo } from '../io.ts';

export async function schemaCommand(argv: string[], io: CliIo): Promise<number> {
  const name = argv[0];
  if (argv.length !== 1 || name === undefined || !(name in EXPORTABLE_SCHEMAS)) {
    throw new InputError('command-line arguments', 'harnessx schema', [
      { path: '<name>', message: `expected one of: ${Object.keys(EXPORTABLE_SCHEMAS).join(', ')}` },
    ]);
  }
  io.stdout.write(`${JSON.stringify(exportJsonSchema(name as ExportableSchemaName), null, 2)}\n`);
  return 0;
}
