/** Human-readable side-by-side summary of suite scores, overall and per difficulty. */
import type { SuiteScore } from '../environments/run-suite.ts';
import { formatTable, percent } from './output.ts';

export function formatSuiteSummary(scores: readonly SuiteScore[]): string {
  const difficulties = [...new Set(scores.flatMap((s) => s.tasks.map((t) => t.difficulty)))].sort(
    (a, b) => a - b,
  );
  const header = ['', ...scores.map((s) => s.harness.name)];
  const rows: string[][] = [];
  for (const difficulty of difficulties) {
    const count = scores[0]?.tasks.filter((t) => t.difficulty === difficulty).length ?? 0;
    rows.push([
      `difficulty ${difficulty} (${count} tasks)`,
      ...scores.map((s) => {
        const tasks = s.tasks.filter((t) => t.difficulty === difficulty);
        return percent(tasks.reduce((sum, t) => sum + t.successRate, 0) / Math.max(1, tasks.length));
      }),
    ]);
  }
  rows.push(['success rate', ...scores.map((s) => percent(s.successRate))]);
  rows.push(['mean reward', ...scores.map((s) => s.meanReward.toFixed(3))]);
  rows.push(['tokens in/out', ...scores.map((s) => `${s.tokens.input}/${s.tokens.output}`)]);
  const first = scores[0];
  const title = first ? `${first.suite} / ${first.split} / k=${first.k}` : '';
  return `${title}\n${formatTable(header, rows)}`;
}
