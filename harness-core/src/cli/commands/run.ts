/** `harnessx run`: scores one harness on a suite split with k rollouts and writes the traces. */
import { z } from 'zod';
import { createWorkerModels, SIMULATED_MODEL_NOTICE } from '../../aegis/worker-models.ts';
import { runSuite, type SuiteScore } from '../../environments/run-suite.ts';
import { SUITE_FACTORIES } from '../../environments/suites.ts';
import { loadHarnessFile } from '../../harness/load.ts';
import type { HarnessSpec } from '../../harness/spec.ts';
import { createBuiltinRegistry } from '../../processors/index.ts';
import type { Trajectory } from '../../trace/trajectory.ts';
import { parseCommandLine } from '../args.ts';
import type { CliIo } from '../io.ts';
import { createProgressReporter } from '../progress.ts';
import { writeRunArtifacts, writeRunReport } from '../run-artifacts.ts';
import { formatSuiteSummary } from '../suite-summary.ts';

export const runFlagsSchema = z
  .object({
    harness: z.string({ error: 'expected --harness FILE (a YAML or JSON harness spec)' }).min(1),
    suite: z.enum(Object.keys(SUITE_FACTORIES) as [string, ...string[]]).default('household'),
    split: z.enum(['adaptation', 'heldout']).default('heldout'),
    k: z.coerce.number().int().min(1).max(100).default(3),
    concurrency: z.coerce.number().int().min(1).max(256).default(4),
    seed: z.coerce.number().int().min(0).default(0),
    out: z.string().default('.harnessx'),
    json: z.boolean().default(false),
    strict: z.boolean().default(false),
  })
  .strict();

export const RUN_FLAGS = {
  harness: { type: 'string' },
  suite: { type: 'string' },
  split: { type: 'string' },
  k: { type: 'string' },
  concurrency: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  strict: { type: 'boolean' },
} as const;

export interface ScoredHarness {
  spec: HarnessSpec;
  score: SuiteScore;
  tracePath: string;
  modelDescription: string;
  simulated: boolean;
}

/** Runs one harness file on a split; shared by `run` and `start`. */
export async function scoreHarnessFile(
  path: string,
  flags: z.output<typeof runFlagsSchema>,
  io: CliIo,
): Promise<ScoredHarness> {
  const spec = await loadHarnessFile(path);
  const processors = createBuiltinRegistry().resolve(spec.processors, path);
  const models = createWorkerModels(spec.models.worker, io.env, path);
  if (models.simulated) io.notice(SIMULATED_MODEL_NOTICE);
  const suite = SUITE_FACTORIES[flags.suite]!();
  const trajectories: Trajectory[] = [];
  const progress = createProgressReporter(`${spec.name} on ${flags.suite}/${flags.split}`, io.stderr);
  const score = await runSuite({
    suite,
    split: flags.split,
    harness: spec,
    processors,
    model: models.model,
    ...(models.fallbackModel ? { fallbackModel: models.fallbackModel } : {}),
    k: flags.k,
    concurrency: flags.concurrency,
    seed: flags.seed,
    strict: flags.strict,
    signal: io.signal,
    onEpisode: (trajectory) => {
      trajectories.push(trajectory);
    },
    onProgress: ({ done, total, successes }) => progress.update(done, total, `successes ${successes}`),
  });
  progress.finish();
  const tracePath = await writeRunArtifacts(flags.out, score, trajectories);
  return { spec, score, tracePath, modelDescription: models.description, simulated: models.simulated };
}

export async function runCommand(argv: string[], io: CliIo): Promise<number> {
  const { values: flags } = parseCommandLine('run', argv, RUN_FLAGS, runFlagsSchema);
  const scored = await scoreHarnessFile(flags.harness, flags, io);
  const { score, tracePath } = scored;
  const { reportPath } = await writeRunReport(flags.out, {
    title: `harnessx run: ${score.harness.name}`,
    generatedAt: new Date().toISOString(),
    modelDescription: scored.modelDescription,
    simulated: scored.simulated,
    scores: [score],
    tracePaths: [tracePath],
  });
  if (flags.json) {
    io.stdout.write(
      `${JSON.stringify({
        suite: score.suite,
        split: score.split,
        harness: score.harness,
        tasks: score.tasks.length,
        k: score.k,
        successRate: score.successRate,
        meanReward: score.meanReward,
        tokens: score.tokens,
      })}\n`,
    );
  } else {
    io.stdout.write(`${formatSuiteSummary([score])}\n\ntraces: ${tracePath}\nreport: ${reportPath}\n`);
  }
  return 0;
}
