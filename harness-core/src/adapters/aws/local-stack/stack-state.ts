/**
 * The running stack's state file (`.harnessx/stack/stack.json`): what `stack serve` writes once it
 * is ready and what `stack status|down` and `harnessx upload --endpoint` read. Parsed with a schema
 * like any input, since a stale or hand-edited file must give a clear error, never a crash.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { PIPELINE_QUEUE_NAMES, type PipelineQueueName } from '../../../ports/foundry-topology.ts';
import { parseJsonText, parseWith } from '../../../schema.ts';
import type { LocalStack } from './local-stack.ts';

const queueUrls = z.object(
  Object.fromEntries(PIPELINE_QUEUE_NAMES.map((queue) => [queue, z.url()])) as Record<
    (typeof PIPELINE_QUEUE_NAMES)[number],
    z.ZodURL
  >,
);

export const stackStateSchema = z
  .object({
    schemaVersion: z.literal('harnessx.stack-state/1'),
    pid: z.number().int().positive(),
    startedAt: z.iso.datetime(),
    endpoints: z.object({ s3: z.url(), sqs: z.url(), dynamodb: z.url() }).strict(),
    bucket: z.string().min(3),
    tables: z.object({ registry: z.string().min(1), idempotency: z.string().min(1) }).strict(),
    queues: queueUrls.strict(),
    deadLetterQueues: queueUrls.strict(),
    logFile: z.string().min(1),
  })
  .strict();

export type StackState = z.output<typeof stackStateSchema>;

/** The state file of a running stack (`pid`: the process that serves it, this one by default). */
export function stackStateOf(
  stack: Pick<LocalStack, 'endpoints' | 'resources'>,
  logFile: string,
  pid: number = process.pid,
): StackState {
  const byQueue = (pick: (queue: PipelineQueueName) => string) =>
    Object.fromEntries(PIPELINE_QUEUE_NAMES.map((queue) => [queue, pick(queue)])) as Record<
      PipelineQueueName,
      string
    >;
  return {
    schemaVersion: 'harnessx.stack-state/1',
    pid,
    startedAt: new Date().toISOString(),
    endpoints: stack.endpoints,
    bucket: stack.resources.bucket,
    tables: stack.resources.tables,
    queues: byQueue((queue) => stack.resources.queues[queue].url),
    deadLetterQueues: byQueue((queue) => stack.resources.queues[queue].deadLetter.url),
    logFile,
  };
}

export function stackStatePath(stateDir: string): string {
  return join(stateDir, 'stack.json');
}

/** The state file's contents, or undefined when there is none. */
export async function readStackState(stateDir: string): Promise<StackState | undefined> {
  const path = stackStatePath(stateDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    throw error;
  }
  return parseWith(
    stackStateSchema,
    parseJsonText(text, 'local stack state', path),
    'local stack state',
    path,
  );
}

/** Written whole through a rename, so a reader never sees half a file. */
export async function writeStackState(stateDir: string, state: StackState): Promise<void> {
  const path = stackStatePath(stateDir);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(
    temporary,
    `${JSON.stringify(parseWith(stackStateSchema, state, 'local stack state', path), null, 2)}\n`,
  );
  await rename(temporary, path);
}

export async function removeStackState(stateDir: string): Promise<void> {
  await rm(stackStatePath(stateDir), { force: true });
}

/** Whether a process with this id exists (signal 0 checks without signalling). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}
