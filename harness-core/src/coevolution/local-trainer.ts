/**
 * The embedded training backend's `python` mode: runs `training/train.py` (the very script SageMaker
 * runs) in a child process on this machine's CPU, with the SageMaker script-mode environment pointed
 * at local folders. For a small real model whose weights the user provides (`hf`), or the trainer's
 * toy model (`tiny`) to check the pipe end to end.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { InputError, SystemError } from '../errors.ts';
import { parseJsonText, parseWith } from '../schema.ts';

export interface LocalTrainerOptions {
  /** The interpreter with torch (Debian's python3-torch installs for /usr/bin/python3). */
  python: string;
  /** The repository's `training/` folder. */
  trainingDir: string;
  /** Holds `groups.jsonl` (or `dataset.jsonl`) and `manifest.json`: the `train` channel. */
  trainDir: string;
  /** Base weights and tokenizer (the `model` channel); required by `hf`. */
  modelDir?: string;
  outputDir: string;
  checkpointDir: string;
  modelBackend: 'hf' | 'tiny';
  /** Trainer knobs (spec §6); unknown keys make the trainer fail. */
  trainerConfig?: Record<string, unknown>;
  /** Each line the trainer prints (`step=… loss=…`), for progress. */
  onLine?: (line: string) => void;
}

const reportSchema = z.looseObject({
  schema: z.string(),
  backend: z.string(),
  training: z.looseObject({ steps_done: z.number() }),
  adapter_files: z.array(z.string()),
});
export type LocalTrainingReport = z.output<typeof reportSchema>;

export async function runLocalTrainer(options: LocalTrainerOptions): Promise<LocalTrainingReport> {
  if (options.modelBackend === 'hf' && !options.modelDir) {
    throw new InputError('local training', 'runLocalTrainer', [
      { path: 'modelDir', message: 'the hf backend trains real weights: give the folder holding them' },
    ]);
  }
  await mkdir(options.outputDir, { recursive: true });
  await mkdir(options.checkpointDir, { recursive: true });
  const hyperparameters = join(options.outputDir, '..', 'hyperparameters.json');
  // JSON-encoded values, as the SageMaker SDK writes them.
  await writeFile(
    hyperparameters,
    JSON.stringify({
      config: JSON.stringify(JSON.stringify(options.trainerConfig ?? {})),
      model_backend: JSON.stringify(options.modelBackend),
    }),
  );
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    SM_CHANNEL_TRAIN: options.trainDir,
    SM_MODEL_DIR: options.outputDir,
    HX_CHECKPOINT_DIR: options.checkpointDir,
    HX_HYPERPARAMETERS_PATH: hyperparameters,
    ...(options.modelDir ? { SM_CHANNEL_MODEL: options.modelDir } : {}),
  };
  const { code, lastLine } = await new Promise<{ code: number | null; lastLine: string }>(
    (resolve, reject) => {
      const child = spawn(options.python, ['train.py'], { cwd: options.trainingDir, env });
      let last = '';
      const onData = (chunk: Buffer) => {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (line.trim() === '') continue;
          last = line;
          options.onLine?.(line);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('error', (error) =>
        reject(new SystemError(`cannot start ${options.python}: ${error.message}`, { cause: error })),
      );
      child.on('close', (exitCode) => resolve({ code: exitCode, lastLine: last }));
    },
  );
  if (code !== 0) {
    // The trainer's contract: a non-zero exit with a one-line reason last (spec §8).
    throw new SystemError(`the trainer exited with ${code}: ${lastLine}`, { code: 'TRAINER_FAILED' });
  }
  const source = join(options.outputDir, 'report.json');
  return parseWith(
    reportSchema,
    parseJsonText(await readFile(source, 'utf8'), 'trainer report', source),
    'trainer report',
    source,
  );
}
