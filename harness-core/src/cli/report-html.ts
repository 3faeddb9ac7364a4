/**
 * `report.html` for a run: self-contained (inline CSS and SVG, no scripts, nothing fetched at view
 * time) so it opens from disk anywhere. Shows success per harness, per difficulty as a chart, and
 * the task x harness pass matrix.
 */
import type { SuiteScore } from '../environments/run-suite.ts';

export interface RunReportInput {
  title: string;
  generatedAt: string;
  modelDescription: string;
  simulated: boolean;
  scores: readonly SuiteScore[];
  tracePaths: readonly string[];
}

const COLORS = ['#6b7280', '#2563eb', '#16a34a', '#d97706', '#9333ea'];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function pct(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

function difficultyChart(scores: readonly SuiteScore[]): string {
  const difficulties = [...new Set(scores.flatMap((s) => s.tasks.map((t) => t.difficulty)))].sort(
    (a, b) => a - b,
  );
  const groupWidth = 24 * scores.length + 24;
  const width = 60 + groupWidth * difficulties.length;
  const height = 220;
  const bars: string[] = [];
  difficulties.forEach((difficulty, di) => {
    scores.forEach((score, si) => {
      const tasks = score.tasks.filter((t) => t.difficulty === difficulty);
      const rate = tasks.reduce((sum, t) => sum + t.successRate, 0) / Math.max(1, tasks.length);
      const barHeight = Math.round(rate * 160);
      const x = 50 + di * groupWidth + si * 24;
      bars.push(
        `<rect x="${x}" y="${180 - barHeight}" width="20" height="${barHeight}" fill="${COLORS[si % COLORS.length]}"><title>${escapeHtml(score.harness.name)} d${difficulty}: ${pct(rate)}</title></rect>`,
      );
    });
    bars.push(`<text x="${50 + di * groupWidth}" y="198" font-size="11">d${difficulty}</text>`);
  });
  const axis = [0, 0.5, 1]
    .map(
      (v) =>
        `<text x="8" y="${184 - v * 160}" font-size="10">${v * 100}%</text><line x1="45" x2="${width}" y1="${180 - v * 160}" y2="${180 - v * 160}" stroke="#e5e7eb"/>`,
    )
    .join('');
  return `<svg width="${width}" height="${height}" role="img" aria-label="success rate by difficulty">${axis}${bars.join('')}</svg>`;
}

function legend(scores: readonly SuiteScore[]): string {
  return scores
    .map(
      (s, i) =>
        `<span class="key"><i style="background:${COLORS[i % COLORS.length]}"></i>${escapeHtml(s.harness.name)}</span>`,
    )
    .join(' ');
}

function passMatrix(scores: readonly SuiteScore[]): string {
  const first = scores[0];
  if (!first) return '';
  const head = `<tr><th>task</th><th>difficulty</th>${scores.map((s) => `<th>${escapeHtml(s.harness.name)}</th>`).join('')}</tr>`;
  const rows = first.tasks.map((task) => {
    const cells = scores.map((score) => {
      const t = score.tasks.find((x) => x.taskId === task.taskId);
      const rate = t?.successRate ?? 0;
      const hue = Math.round(rate * 120);
      const label = t ? `${t.rollouts.filter((r) => r.success).length}/${t.rollouts.length}` : '-';
      return `<td style="background:hsl(${hue} 70% 85%)">${label}</td>`;
    });
    return `<tr><td>${escapeHtml(task.taskId)}</td><td>${task.difficulty}</td>${cells.join('')}</tr>`;
  });
  return `<table class="matrix">${head}${rows.join('')}</table>`;
}

export function renderRunReport(input: RunReportInput): string {
  const summaryRows = input.scores
    .map(
      (s) =>
        `<tr><td>${escapeHtml(s.harness.name)}</td><td><code>${escapeHtml(s.harness.contentId.slice(0, 19))}</code></td><td>${pct(s.successRate)}</td><td>${s.meanReward.toFixed(3)}</td><td>${s.tokens.input} / ${s.tokens.output}</td></tr>`,
    )
    .join('');
  const first = input.scores[0];
  const banner = input.simulated
    ? '<p class="warn">The worker was the <b>simulated</b> model (a seeded test double standing in for a small open model). Set <code>HARNESSX_WORKER_PROVIDER</code> and friends to run a real model.</p>'
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(input.title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#111827;max-width:1100px}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #d1d5db;padding:4px 8px;text-align:left}
.matrix td{text-align:center;font-size:12px}.matrix td:first-child{text-align:left}
.warn{background:#fef3c7;padding:.5rem 1rem;border-left:4px solid #d97706}
.key{margin-right:1rem}.key i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}
code{font-size:12px}
</style></head><body>
<h1>${escapeHtml(input.title)}</h1>
<p>Generated ${escapeHtml(input.generatedAt)} &middot; suite <b>${escapeHtml(first?.suite ?? '')}</b>, split <b>${escapeHtml(first?.split ?? '')}</b>, k = ${first?.k ?? 0} rollouts per task &middot; worker <code>${escapeHtml(input.modelDescription)}</code></p>
${banner}
<h2>Success rate</h2>
<table><tr><th>harness</th><th>content id</th><th>success rate</th><th>mean reward</th><th>tokens in / out</th></tr>${summaryRows}</table>
<h2>By difficulty</h2>
<div>${legend(input.scores)}</div>
${difficultyChart(input.scores)}
<h2>Task &times; harness (successful rollouts)</h2>
${passMatrix(input.scores)}
<h2>Traces</h2>
<ul>${input.tracePaths.map((p) => `<li><code>${escapeHtml(p)}</code> (OTLP/JSON; <code>npx harnessx trace inspect FILE</code>)</li>`).join('')}</ul>
</body></html>
`;
}
