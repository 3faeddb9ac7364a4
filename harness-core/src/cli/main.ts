/**
 * The `harnessx` command: composition only. Each subcommand parses its flags with a schema and
 * calls into the library; errors are printed once, with a stable exit code
 * (0 ok, 1 failure, 2 bad input, 130 interrupted).
 */
import { AbortedError, HarnessError, InputError } from '../errors.ts';
import { compareCommand } from './commands/compare.ts';
import { evolveCommand } from './commands/evolve.ts';
import { runCommand } from './commands/run.ts';
import { schemaCommand } from './commands/schema.ts';
import { stackCommand } from './commands/stack.ts';
import { traceCommand } from './commands/trace-inspect.ts';
import { trainCommand } from './commands/train.ts';
import { uploadCommand } from './commands/upload.ts';
import { type CliIo, createProcessIo } from './io.ts';

const USAGE = `usage: harnessx <command> [flags]

commands:
  compare                                 baseline vs hand-tuned harness on the household held-out split
  evolve --project FILE [--cycles N] [--fresh] [--json] [--coevolve]
                                          evolve a harness from its traces (digest, plan, evolve, critic, gate);
                                          report .harnessx/report.html; resumes an interrupted run unless --fresh (npm start);
                                          --coevolve: then again with a training round after each cycle (simulated
                                          worker: its knobs are trained) and harness-only vs co-evolved in the report
  run --harness FILE [--suite household] [--split adaptation|heldout] [--k 3] [--concurrency 4] [--seed 0] [--json]
                                          score one harness; traces under .harnessx/traces/, report .harnessx/report.html
  train --project FILE [--backend hf|tiny] [--model-dir DIR] [--python /usr/bin/python3]
                                          fine-tune the worker on the project's GRPO groups with training/ on this CPU
                                          (LoRA on your weights; tiny: the trainer's toy model) and register the version
  trace inspect FILE... [--json]          read OTLP/JSON trace files (ours or another tool's) and summarise them
  schema harness                          print the JSON Schema of harnessx.harness/1
  stack up [--project FILE] [--port 4566] [--dynamodb-port 4567] [--foreground]
                                          run the serverless foundry locally (S3, SQS, DynamoDB emulators + functions)
  stack status | stack down               show queues and projects of the local stack / stop it
  upload FILE... --project NAME [--endpoint URL] [--bucket NAME]
                                          check OTLP/JSON trace files and put them under traces/<project>/ in S3
`;

const COMMANDS: Record<string, (argv: string[], io: CliIo) => Promise<number>> = {
  compare: compareCommand,
  evolve: evolveCommand,
  run: runCommand,
  trace: traceCommand,
  train: trainCommand,
  schema: schemaCommand,
  stack: stackCommand,
  upload: uploadCommand,
};

export async function main(argv: string[], io?: CliIo): Promise<number> {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const cli = io ?? createProcessIo(controller.signal);
  try {
    const [name, ...rest] = argv;
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      cli.stdout.write(USAGE);
      return name === undefined ? 2 : 0;
    }
    const command = COMMANDS[name];
    if (!command) {
      cli.stderr.write(`harnessx: unknown command "${name}"\n\n${USAGE}`);
      return 2;
    }
    return await command(rest, cli);
  } catch (error) {
    return reportError(error, cli);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof InputError) {
    io.stderr.write(`harnessx: ${error.message}\n`);
    return 2;
  }
  if (error instanceof AbortedError) {
    io.stderr.write('harnessx: interrupted\n');
    return 130;
  }
  if (error instanceof HarnessError) {
    io.stderr.write(`harnessx: ${error.code}: ${error.message}\n`);
    return 1;
  }
  io.stderr.write(`harnessx: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
  return 1;
}
