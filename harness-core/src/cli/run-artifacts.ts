/** Where a run's outputs go: traces under `<out>/traces/`, scores and report under `<out>/runs/<runId>/`. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SuiteScore } from '../environments/run-suite.ts';
import { writeTraceFile } from '../trace/trace-file.ts';
import type { Trajectory } from '../trace/trajectory.ts';
import { renderRunReport } from './report-html.ts';

export function runStamp(date = new Date()): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

export async function writeRunArtifacts(
  out: string,
  score: SuiteScore,
  trajectories: Trajectory[],
): Promise<string> {
  const path = join(
    out,
    'traces',
    `${runStamp()}-${score.harness.name}-${score.suite}-${score.split}.otlp.json`,
  );
  await writeTraceFile(path, trajectories);
  return path;
}

export async function writeRunReport(
  out: string,
  input: Parameters<typeof renderRunReport>[0],
): Promise<{ reportPath: string; summaryPath: string }> {
  const dir = join(out, 'runs', runStamp());
  await mkdir(dir, { recursive: true });
  const html = renderRunReport(input);
  const summary = {
    generatedAt: input.generatedAt,
    model: input.modelDescription,
    simulated: input.simulated,
    scores: input.scores,
    traces: input.tracePaths,
  };
  const summaryPath = join(dir, 'summary.json');
  await writeFile(summaryPath, `${JSON.stringify(summary, null, 2)}\n`);
  await writeFile(join(dir, 'report.html'), html);
  const reportPath = join(out, 'report.html');
  await writeFile(reportPath, html);
  await writeFile(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return { reportPath, summaryPath };
}
