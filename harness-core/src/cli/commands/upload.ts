/**
 * `harnessx upload FILE... --project NAME [--endpoint URL] [--bucket NAME]`: puts trace files where
 * the foundry picks them up, `traces/<project>/<yyyy>/<mm>/<dd>/<file>`. Every file is read as an
 * OTLP/JSON trace first; one that is not (or holds no agent trajectory) is refused with its reason
 * and not uploaded, and the command then exits 2. The others are still uploaded.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
import { InputError } from '../../errors.ts';
import { storeKeys } from '../../ports/artifact-store.ts';
import { readTraceFile } from '../../trace/otlp-reader.ts';
import { parseCommandLine } from '../args.ts';
import type { CliIo } from '../io.ts';
import { stackStateDir } from '../stack-context.ts';

const flagsSchema = z
  .object({
    project: z
      .string({ error: 'expected --project NAME (the foundry project the traces belong to)' })
      .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'expected a lower-case project name (a-z, 0-9, -)'),
    endpoint: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
    bucket: z.string().min(1).optional(),
  })
  .strict();

/** The bucket: --bucket, else the local stack's (with --endpoint) or HARNESSX_BUCKET (without). */
async function resolveBucket(flags: z.output<typeof flagsSchema>, io: CliIo): Promise<string> {
  if (flags.bucket) return flags.bucket;
  if (flags.endpoint) {
    const { readStackState } = await import('../../adapters/aws/local-stack/stack-state.ts');
    const stateDir = stackStateDir(io);
    const state = await readStackState(stateDir);
    if (state) return state.bucket;
    throw new InputError('command-line flags', 'harnessx upload', [
      { path: '--bucket', message: `expected --bucket NAME: no local stack state in ${stateDir} names one` },
    ]);
  }
  if (io.env.HARNESSX_BUCKET) return io.env.HARNESSX_BUCKET;
  throw new InputError('command-line flags', 'harnessx upload', [
    { path: '--bucket', message: 'expected --bucket NAME (or HARNESSX_BUCKET) when uploading to AWS' },
  ]);
}

/** Why `path` may not be uploaded, or undefined when it is a readable trace with trajectories. */
async function refusal(path: string): Promise<string | undefined> {
  try {
    const { trajectories } = await readTraceFile(path);
    return trajectories.length === 0 ? 'the file holds no agent trajectory' : undefined;
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
}

export async function uploadCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(
    'upload',
    argv,
    { project: { type: 'string' }, endpoint: { type: 'string' }, bucket: { type: 'string' } },
    flagsSchema,
    true,
  );
  if (positionals.length === 0) {
    throw new InputError('command-line arguments', 'harnessx upload', [
      { path: 'FILE', message: 'expected at least one OTLP/JSON trace file' },
    ]);
  }
  const bucket = await resolveBucket(values, io);
  const accepted: string[] = [];
  const names = new Map<string, string>();
  let refused = 0;
  for (const path of positionals) {
    const earlier = names.get(basename(path));
    const reason = earlier
      ? `same file name as ${earlier}; both would be stored at one key`
      : await refusal(path);
    if (reason) {
      refused += 1;
      io.stderr.write(`refused ${path}: ${reason}\n`);
      continue;
    }
    names.set(basename(path), path);
    accepted.push(path);
  }
  if (accepted.length > 0) {
    const { createS3Uploader } = await import('../../adapters/aws/s3-upload.ts');
    const uploader = createS3Uploader({
      bucket,
      env: io.env,
      ...(values.endpoint ? { endpoint: values.endpoint } : {}),
    });
    try {
      const now = new Date();
      for (const path of accepted) {
        const key = storeKeys.traces(values.project, now, basename(path));
        await uploader.put(key, await readFile(path), 'application/json');
        io.stdout.write(`${key}\n`);
      }
    } finally {
      uploader.close();
    }
  }
  if (refused > 0) io.stderr.write(`${refused} of ${positionals.length} file(s) refused\n`);
  return refused > 0 ? 2 : 0;
}
