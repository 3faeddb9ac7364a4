/**
 * `harnessx compare`: the household held-out split with the baseline harness and the shipped
 * hand-tuned harness, side by side, with traces, a summary and report.html under `.harnessx/`.
 */
import { z } from 'zod';
import { parseCommandLine } from '../args.ts';
import type { CliIo } from '../io.ts';
import { percent } from '../output.ts';
import { writeRunReport } from '../run-artifacts.ts';
import { formatSuiteSummary } from '../suite-summary.ts';
import { runFlagsSchema, scoreHarnessFile } from './run.ts';

const startFlagsSchema = z
  .object({
    baseline: z.string().default('examples/harnesses/baseline.yaml'),
    tuned: z.string().default('examples/harnesses/tuned.yaml'),
    k: z.coerce.number().int().min(1).max(100).default(3),
    concurrency: z.coerce.number().int().min(1).max(256).default(4),
    seed: z.coerce.number().int().min(0).default(0),
    out: z.string().default('.harnessx'),
  })
  .strict();

export async function compareCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandLine(
    'compare',
    argv,
    {
      baseline: { type: 'string' },
      tuned: { type: 'string' },
      k: { type: 'string' },
      concurrency: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
    },
    startFlagsSchema,
  );
  const flags = runFlagsSchema.parse({
    harness: values.baseline,
    suite: 'household',
    split: 'heldout',
    k: values.k,
    concurrency: values.concurrency,
    seed: values.seed,
    out: values.out,
  });
  io.stdout.write('HarnessX Foundry: household suite, held-out split, baseline vs tuned harness\n\n');
  const baseline = await scoreHarnessFile(values.baseline, flags, io);
  const tuned = await scoreHarnessFile(values.tuned, { ...flags, harness: values.tuned }, io);
  const { reportPath, summaryPath } = await writeRunReport(values.out, {
    title: 'HarnessX Foundry: baseline vs tuned harness',
    generatedAt: new Date().toISOString(),
    modelDescription: baseline.modelDescription,
    simulated: baseline.simulated,
    scores: [baseline.score, tuned.score],
    tracePaths: [baseline.tracePath, tuned.tracePath],
  });
  const gap = tuned.score.successRate - baseline.score.successRate;
  io.stdout.write(`\n${formatSuiteSummary([baseline.score, tuned.score])}\n\n`);
  io.stdout.write(
    `${tuned.spec.name} vs ${baseline.spec.name}: ${percent(tuned.score.successRate)} vs ${percent(baseline.score.successRate)} (${gap >= 0 ? '+' : ''}${(gap * 100).toFixed(1)} points)\n`,
  );
  if (baseline.simulated)
    io.stdout.write('worker: simulated model (test double); see the notice above for a real endpoint\n');
  io.stdout.write(
    `traces:  ${baseline.tracePath}\n         ${tuned.tracePath}\nsummary: ${summaryPath}\nreport:  ${reportPath}\n`,
  );
  return 0;
}
