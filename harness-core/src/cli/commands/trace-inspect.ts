/** `harnessx trace inspect FILE... [--json]`: what a trace file holds, ours or another tool's. */
import { z } from 'zod';
import { InputError } from '../../errors.ts';
import { formatTraceInspection, inspectTraceFiles } from '../../trace/inspect.ts';
import { parseCommandLine } from '../args.ts';
import type { CliIo } from '../io.ts';

export async function traceCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'inspect') {
    throw new InputError('command-line arguments', 'harnessx trace', [
      {
        path: '<subcommand>',
        message: `expected "inspect", got ${sub === undefined ? 'nothing' : `"${sub}"`}`,
      },
    ]);
  }
  const { values, positionals } = parseCommandLine(
    'trace inspect',
    rest,
    { json: { type: 'boolean' } },
    z.object({ json: z.boolean().default(false) }).strict(),
    true,
  );
  if (positionals.length === 0) {
    throw new InputError('command-line arguments', 'harnessx trace inspect', [
      { path: 'FILE', message: 'expected at least one trace file' },
    ]);
  }
  const inspection = await inspectTraceFiles(positionals);
  if (values.json) {
    io.stdout.write(
      `${JSON.stringify({
        files: inspection.files,
        episodes: inspection.episodes,
        turns: inspection.modelCalls,
        modelCalls: inspection.modelCalls,
        toolCalls: inspection.toolCalls,
        tokens: inspection.tokens,
        models: inspection.models,
        errors: inspection.errors,
        unmapped: inspection.unmapped,
      })}\n`,
    );
  } else {
    io.stdout.write(`${formatTraceInspection(inspection)}\n`);
  }
  const unreadable = inspection.files.filter((file) => file.error !== undefined);
  for (const file of unreadable) io.stderr.write(`error: ${file.path}: ${file.error}\n`);
  return unreadable.length > 0 ? 1 : 0;
}
