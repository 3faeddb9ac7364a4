/**
 * `harnessx stack up|down|status`: the serverless foundry on this machine (DESIGN §9). `up` starts
 * it as a detached process (`stack serve`, internal) and returns once it is ready; `--foreground`
 * runs it in this process until Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { z } from 'zod';
import type { StackState } from '../../adapters/aws/local-stack/stack-state.ts';
import { InputError, SystemError } from '../../errors.ts';
import { parseCommandLine } from '../args.ts';
import type { CliIo } from '../io.ts';
import {
  HARNESSX_BIN,
  type ProjectToRegister,
  portFlagSchema,
  progress,
  stackLogPath,
  stackStateDir,
} from '../stack-context.ts';
import { loadProjectToRegister, registerProjectOnStack } from '../stack-project.ts';
import { serveStack } from '../stack-serve.ts';
import { stackStatus } from '../stack-status.ts';

const stackState = () => import('../../adapters/aws/local-stack/stack-state.ts');

const upFlagsSchema = z
  .object({
    project: z.string().min(1).optional(),
    port: portFlagSchema.default(4566),
    'dynamodb-port': portFlagSchema.default(4567),
    foreground: z.boolean().default(false),
  })
  .strict();

const upOptions = {
  project: { type: 'string' },
  port: { type: 'string' },
  'dynamodb-port': { type: 'string' },
  foreground: { type: 'boolean' },
} as const;

/** How long `up` waits for the stack process to be ready (bundling every function included). */
const READY_TIMEOUT_MS = 180_000;

async function refuseIfRunning(io: CliIo, stateDir: string): Promise<void> {
  const { isProcessAlive, readStackState, removeStackState } = await stackState();
  const state = await readStackState(stateDir);
  if (!state) return;
  if (isProcessAlive(state.pid)) {
    throw new SystemError(
      `a local stack is already running (pid ${state.pid}, S3 + SQS ${state.endpoints.s3}); harnessx stack down stops it`,
      { code: 'STACK_RUNNING' },
    );
  }
  progress(io, `removing the stale state of pid ${state.pid}`);
  await removeStackState(stateDir);
}

function printReady(io: CliIo, state: StackState, registered?: { name: string; contentId: string }): void {
  const here = (path: string) => {
    const near = relative(process.cwd(), path);
    return near && !near.startsWith('..') ? near : path;
  };
  const lines = [
    `local stack running (pid ${state.pid})`,
    `  S3 + SQS  ${state.endpoints.s3}`,
    `  DynamoDB  ${state.endpoints.dynamodb}`,
    `  bucket    ${state.bucket}`,
    `  log       ${here(state.logFile)}`,
    ...(registered ? [`  project   ${registered.name} registered (baseline ${registered.contentId})`] : []),
    'next:',
    `  harnessx upload TRACE.json... --project ${registered?.name ?? 'NAME'} --endpoint ${state.endpoints.s3}`,
    '  harnessx stack status',
    '  harnessx stack down',
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
}

async function register(io: CliIo, state: StackState, input: ProjectToRegister) {
  progress(io, `registering project ${input.project.name} from ${input.path}`);
  const { baselineContentId } = await registerProjectOnStack(state, input);
  return { name: input.project.name, contentId: baselineContentId };
}

async function logTail(path: string): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.trim().split('\n').slice(-15).join('\n');
}

/** Starts `stack serve` detached and waits for its state file (or its early exit). */
async function startDetached(io: CliIo, stateDir: string, ports: { s3AndSqs: number; dynamodb: number }) {
  const { readStackState } = await stackState();
  const logFile = stackLogPath(stateDir);
  const fd = openSync(logFile, 'w');
  const args = [
    'stack',
    'serve',
    '--port',
    String(ports.s3AndSqs),
    '--dynamodb-port',
    String(ports.dynamodb),
  ];
  const child = spawn(process.execPath, [HARNESSX_BIN, ...args], {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: { ...io.env, HARNESSX_STACK_DIR: stateDir },
  });
  closeSync(fd);
  child.unref();
  progress(io, `starting (pid ${child.pid}, log ${logFile})`);
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
  });
  const started = Date.now();
  while (Date.now() - started < READY_TIMEOUT_MS) {
    const state = await readStackState(stateDir).catch(() => undefined);
    if (state && state.pid === child.pid) {
      progress(io, `ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return state;
    }
    if (exited !== undefined) {
      throw new SystemError(`the stack stopped while starting (exit ${exited}):\n${await logTail(logFile)}`, {
        code: 'STACK_START_FAILED',
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
  throw new SystemError(`the stack was not ready after ${READY_TIMEOUT_MS / 1000} s; see ${logFile}`, {
    code: 'STACK_START_FAILED',
  });
}

async function up(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandLine('stack up', argv, upOptions, upFlagsSchema);
  const ports = { s3AndSqs: values.port, dynamodb: values['dynamodb-port'] };
  const stateDir = stackStateDir(io);
  // The project is read first: a bad file fails before anything starts.
  const project = values.project ? await loadProjectToRegister(values.project) : undefined;
  await refuseIfRunning(io, stateDir);
  await mkdir(stateDir, { recursive: true });
  if (values.foreground) {
    return serveStack({
      io,
      stateDir,
      ports,
      logFile: 'stderr',
      onReady: async (state) => {
        printReady(io, state, project && (await register(io, state, project)));
        progress(io, 'running in the foreground; Ctrl-C stops it');
      },
    });
  }
  const state = await startDetached(io, stateDir, ports);
  printReady(io, state, project && (await register(io, state, project)));
  return 0;
}

async function serve(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandLine(
    'stack serve',
    argv,
    { port: { type: 'string' }, 'dynamodb-port': { type: 'string' } },
    z.object({ port: portFlagSchema.default(4566), 'dynamodb-port': portFlagSchema.default(4567) }).strict(),
  );
  const ports = { s3AndSqs: values.port, dynamodb: values['dynamodb-port'] };
  const stateDir = stackStateDir(io);
  return serveStack({ io, stateDir, ports, logFile: stackLogPath(stateDir) });
}

async function down(argv: string[], io: CliIo): Promise<number> {
  parseCommandLine('stack down', argv, {}, z.object({}).strict());
  const { isProcessAlive, readStackState, removeStackState } = await stackState();
  const stateDir = stackStateDir(io);
  const state = await readStackState(stateDir);
  if (!state) {
    throw new SystemError(`no local stack is running here (no state in ${stateDir})`, {
      code: 'STACK_NOT_RUNNING',
    });
  }
  if (!isProcessAlive(state.pid)) {
    await removeStackState(stateDir);
    io.stdout.write(`local stack (pid ${state.pid}) had already stopped; removed its state\n`);
    return 0;
  }
  progress(io, `stopping pid ${state.pid}`);
  process.kill(state.pid, 'SIGTERM');
  const started = Date.now();
  while (isProcessAlive(state.pid) && Date.now() - started < 20_000) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (isProcessAlive(state.pid)) {
    progress(io, `pid ${state.pid} did not stop in 20 s; killing it`);
    process.kill(state.pid, 'SIGKILL');
  }
  await removeStackState(stateDir);
  io.stdout.write('local stack stopped\n');
  return 0;
}

const SUBCOMMANDS: Record<string, (argv: string[], io: CliIo) => Promise<number>> = {
  up,
  down,
  status: async (argv, io) => {
    parseCommandLine('stack status', argv, {}, z.object({}).strict());
    return stackStatus(io, stackStateDir(io));
  },
  serve,
};

export async function stackCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  const run = sub === undefined ? undefined : SUBCOMMANDS[sub];
  if (!run) {
    throw new InputError('command-line arguments', 'harnessx stack', [
      {
        path: '<subcommand>',
        message: `expected up, down or status, got ${sub === undefined ? 'nothing' : `"${sub}"`}`,
      },
    ]);
  }
  return run(rest, io);
}
