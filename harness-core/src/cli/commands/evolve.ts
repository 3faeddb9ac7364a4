/**
 * `harnessx evolve --project FILE [--cycles N] [--json] [--fresh]`: runs (or resumes) AEGIS cycles on
 * the embedded default with a live view, writes `report.html`, and with `--json` prints one object.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { collectEvolutionReport } from '../../aegis/pipeline/report-data.ts';
import { type EvolutionSummary, runEvolution } from '../../aegis/pipeline/run-evolution.ts';
import { SIMULATED_MODEL_NOTICE } from '../../aegis/worker-models.ts';
import { parseCommandLine } from '../args.ts';
import { renderCoevolutionSection } from '../coevolution-report-html.ts';
import { runCoevolution } from '../coevolve-run.ts';
import { renderEvolveReport } from '../evolve-report-html.ts';
import { createEvolveView } from '../evolve-view.ts';
import { composeFoundry } from '../foundry-deps.ts';
import type { CliIo } from '../io.ts';
import { currentLeaseOwner, isLeaseOwnerAlive } from '../lease-owner.ts';
import { formatTable, percent } from '../output.ts';

const evolveFlagsSchema = z
  .object({
    project: z.string({ error: 'expected --project FILE (a harnessx.project/1 YAML file)' }).min(1),
    cycles: z.coerce.number().int().min(1).max(1000).optional(),
    out: z.string().default('.harnessx'),
    json: z.boolean().default(false),
    fresh: z.boolean().default(false),
    coevolve: z.boolean().default(false),
  })
  .strict();

export async function evolveCommand(argv: string[], io: CliIo): Promise<number> {
  const { values: flags } = parseCommandLine(
    'evolve',
    argv,
    {
      project: { type: 'string' },
      cycles: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
      fresh: { type: 'boolean' },
      coevolve: { type: 'boolean' },
    },
    evolveFlagsSchema,
  );
  let view: ReturnType<typeof createEvolveView> | undefined;
  const composition = await composeFoundry({
    projectPath: flags.project,
    out: flags.out,
    fresh: flags.fresh,
    env: io.env,
    signal: io.signal,
    emit: (event) => view?.onEvent(event),
  });
  const { deps, baselineSpec, models } = composition;
  if (models.simulated) io.notice(SIMULATED_MODEL_NOTICE);
  view = createEvolveView(flags.cycles ?? deps.project.policies.maxCycles, io.stderr);
  const summary = await runEvolution(deps, {
    baselineSpec,
    ...(flags.cycles === undefined ? {} : { maxCycles: flags.cycles }),
    owner: currentLeaseOwner(),
    isOwnerAlive: isLeaseOwnerAlive,
  });
  view.finish();
  const coevolution = flags.coevolve
    ? await runCoevolution({
        projectPath: flags.project,
        out: flags.out,
        fresh: flags.fresh,
        ...(flags.cycles === undefined ? {} : { cycles: flags.cycles }),
        io,
      })
    : undefined;
  // With --coevolve the report follows the co-evolved run and compares it with the harness-only one.
  const reported = coevolution ? coevolution.composition : composition;
  const reportedSummary = coevolution ? coevolution.summary : summary;
  const data = await collectEvolutionReport(reported.deps, reportedSummary);
  const html = renderEvolveReport({
    data,
    generatedAt: new Date().toISOString(),
    modelDescription: models.description,
    simulated: models.simulated,
    ...(coevolution
      ? {
          extraSections: renderCoevolutionSection({
            harnessOnly: summary,
            coevolved: coevolution.summary,
            rounds: coevolution.rounds,
            backend: 'simulated',
          }),
        }
      : {}),
  });
  await mkdir(flags.out, { recursive: true });
  const reportPath = join(flags.out, 'report.html');
  await writeFile(reportPath, html);
  await writeFile(join(reported.storeRoot, 'report.html'), html);
  if (flags.json) {
    const json = coevolution
      ? {
          ...jsonSummary(summary),
          coevolved: { ...jsonSummary(coevolution.summary), rounds: coevolution.rounds.length },
        }
      : jsonSummary(summary);
    io.stdout.write(`${JSON.stringify(json)}\n`);
  } else {
    io.stdout.write(`${formatEvolutionSummary(summary)}\n`);
    if (coevolution) {
      io.stdout.write(
        `\nco-evolved (harness + simulated training):\n${formatEvolutionSummary(coevolution.summary)}\n`,
      );
    }
    io.stdout.write(`report: ${reportPath}\n`);
  }
  return 0;
}

export function jsonSummary(summary: EvolutionSummary) {
  return {
    baseline: { adaptation: summary.baseline.adaptation, heldout: summary.baseline.heldout },
    final: {
      adaptation: summary.final.adaptation,
      heldout: summary.final.heldout,
      contentId: summary.final.contentId,
    },
    cycles: summary.cycles,
    accepted: summary.accepted,
    rejected: summary.rejected,
    tokens: summary.tokens,
  };
}

export function formatEvolutionSummary(summary: EvolutionSummary): string {
  const rows = [
    [
      'baseline',
      percent(summary.baseline.adaptation),
      percent(summary.baseline.heldout),
      summary.baseline.contentId.slice(7, 19),
    ],
    [
      'final',
      percent(summary.final.adaptation),
      percent(summary.final.heldout),
      summary.final.contentId.slice(7, 19),
    ],
  ];
  const gain = (summary.final.heldout - summary.baseline.heldout) * 100;
  return [
    formatTable(['', 'adaptation', 'held-out', 'version'], rows),
    '',
    `${summary.cycles} cycles, ${summary.accepted} accepted, ${summary.rejected.length} candidates rejected; stopped: ${summary.stoppedBecause}`,
    `held-out success ${gain >= 0 ? '+' : ''}${gain.toFixed(1)} points; tokens ${summary.tokens.input} in / ${summary.tokens.output} out`,
  ].join('\n');
}
