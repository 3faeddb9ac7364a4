/**
 * The stack's own process (`harnessx stack serve`, started detached by `stack up`, or `stack up
 * --foreground`): starts the local stack, writes the state file once everything is ready, and
 * stops cleanly on SIGTERM or SIGINT, removing the state file it wrote.
 */
import { mkdir } from 'node:fs/promises';
import { type StackState, stackStateOf } from '../adapters/aws/local-stack/stack-state.ts';
import type { CliIo } from './io.ts';
import { REPO_ROOT } from './stack-context.ts';

export interface ServeStackOptions {
  io: CliIo;
  stateDir: string;
  ports: { s3AndSqs: number; dynamodb: number };
  /** Where the stack's log goes, as the state file records it (`stderr` in the foreground). */
  logFile: string;
  /** Called once the stack is ready and its state file written (e.g. to register a project). */
  onReady?: (state: StackState) => Promise<void>;
}

/** Resolves on SIGTERM or when the command's own signal (SIGINT) aborts. */
function untilStopped(io: CliIo): Promise<string> {
  return new Promise((resolve) => {
    const onTerm = () => finish('SIGTERM');
    const onAbort = () => finish('SIGINT');
    const finish = (reason: string) => {
      process.removeListener('SIGTERM', onTerm);
      io.signal.removeEventListener('abort', onAbort);
      resolve(reason);
    };
    process.once('SIGTERM', onTerm);
    if (io.signal.aborted) finish('SIGINT');
    else io.signal.addEventListener('abort', onAbort, { once: true });
  });
}

export async function serveStack(options: ServeStackOptions): Promise<number> {
  const { io, stateDir } = options;
  const { startLocalStack } = await import('../adapters/aws/local-stack/local-stack.ts');
  const { readStackState, removeStackState, writeStackState } = await import(
    '../adapters/aws/local-stack/stack-state.ts'
  );
  await mkdir(stateDir, { recursive: true });
  const log = (line: string) => io.stderr.write(`${new Date().toISOString()} ${line}\n`);
  const stack = await startLocalStack({ repoRoot: REPO_ROOT, ports: options.ports, log });
  try {
    const state = stackStateOf(stack, options.logFile);
    await writeStackState(stateDir, state);
    log(`ready (pid ${process.pid})`);
    await options.onReady?.(state);
    const reason = await untilStopped(io);
    log(`${reason}: stopping`);
  } finally {
    await stack.stop();
    // Only our own state file: a newer stack may have replaced it meanwhile.
    const current = await readStackState(stateDir).catch(() => undefined);
    if (current?.pid === process.pid) await removeStackState(stateDir);
    log('stopped');
  }
  return 0;
}
