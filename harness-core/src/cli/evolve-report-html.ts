/**
 * `report.html` for `harnessx evolve`: self-contained (inline CSS and SVG, no scripts, nothing
 * fetched), showing the score per cycle per split, the version chain, the task x version pass
 * matrix, every candidate's manifest, critic verdict and gate decision, and tokens per stage.
 */
import type { CandidateReport, EvolutionReportData } from '../aegis/pipeline/report-data.ts';
import { escapeHtml } from './report-html.ts';

export interface EvolveReportInput {
  data: EvolutionReportData;
  generatedAt: string;
  modelDescription: string;
  simulated: boolean;
  /** Pre-rendered sections placed after the summary (e.g. the co-evolution comparison). */
  extraSections?: string;
}

const pct = (value: number | undefined) => (value === undefined ? '-' : `${(value * 100).toFixed(1)}%`);
const short = (contentId: string) => contentId.slice(7, 19);

function scoreChart(data: EvolutionReportData): string {
  const points = [
    {
      label: 'baseline',
      adaptation: data.summary.baseline.adaptation,
      heldout: data.summary.baseline.heldout,
    },
    ...data.cycles.map((cycle) => {
      const accepted = cycle.candidates.find(
        (c) => c.candidate.candidateId === cycle.state.outcome?.acceptedCandidateId,
      );
      return {
        label: cycle.state.cycleId.replace(/^.*-c0*/, 'c'),
        adaptation: (accepted?.adaptation ?? cycle.currentAdaptation)?.successRate ?? 0,
        heldout: (accepted?.heldout ?? cycle.currentHeldout)?.successRate ?? 0,
      };
    }),
  ];
  const width = 80 + 70 * Math.max(1, points.length - 1);
  const x = (i: number) => 50 + i * 70;
  const y = (v: number) => 190 - v * 170;
  const line = (key: 'adaptation' | 'heldout', color: string) =>
    `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.map((p, i) => `${x(i)},${y(p[key])}`).join(' ')}"/>` +
    points
      .map(
        (p, i) =>
          `<circle class="pt-${key}" cx="${x(i)}" cy="${y(p[key])}" r="4" fill="${color}"><title>${p.label} ${key}: ${pct(p[key])}</title></circle>`,
      )
      .join('');
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (v) =>
        `<line x1="45" x2="${width}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e7eb"/><text x="5" y="${y(v) + 4}" font-size="10">${v * 100}%</text>`,
    )
    .join('');
  const labels = points
    .map((p, i) => `<text x="${x(i) - 12}" y="210" font-size="10">${escapeHtml(p.label)}</text>`)
    .join('');
  return `<svg id="score-chart" width="${width}" height="220" role="img" aria-label="success rate per cycle">${grid}${line('adaptation', '#2563eb')}${line('heldout', '#16a34a')}${labels}</svg>
<div><span class="key"><i style="background:#2563eb"></i>adaptation</span><span class="key"><i style="background:#16a34a"></i>held-out</span></div>`;
}

function matrix(data: EvolutionReportData, split: 'adaptation' | 'heldout'): string {
  const versions = data.versionEvaluations.filter((v) => v[split] !== undefined);
  const first = versions[0]?.[split];
  if (!first) return '<p>no evaluations</p>';
  const head = `<tr><th>task</th><th>d</th>${versions.map((v, i) => `<th title="${escapeHtml(v.contentId)}">v${i} <code>${short(v.contentId)}</code></th>`).join('')}</tr>`;
  const rows = first.tasks.map((task) => {
    const cells = versions.map((v) => {
      const t = v[split]?.tasks.find((x) => x.taskId === task.taskId);
      const rate = t?.successRate ?? 0;
      const passed = t ? t.rollouts.filter((r) => r.success).length : 0;
      return `<td style="background:hsl(${Math.round(rate * 120)} 70% 85%)">${t ? `${passed}/${t.rollouts.length}` : '-'}</td>`;
    });
    return `<tr><td>${escapeHtml(task.taskId)}</td><td>${task.difficulty}</td>${cells.join('')}</tr>`;
  });
  return `<table class="matrix">${head}${rows.join('')}</table>`;
}

function candidateRow(c: CandidateReport, acceptedId: string | undefined): string {
  const m = c.candidate.manifest;
  const changes = m.changes.map((ch) => `${ch.kind} <code>${escapeHtml(ch.target)}</code>`).join('<br>');
  const verdict = c.verdict
    ? `${c.verdict.decision}${c.verdict.reasons.length ? `: ${escapeHtml(c.verdict.reasons.join('; '))}` : ''}`
    : '-';
  const gate = c.gate
    ? `<details><summary>${c.gate.accepted ? 'accepted' : 'rejected'}</summary><ul>${c.gate.rules
        .map((r) => `<li class="${r.outcome}"><b>${r.rule}</b>: ${r.outcome} - ${escapeHtml(r.detail)}</li>`)
        .join('')}</ul></details>`
    : 'not examined';
  const mark = c.candidate.candidateId === acceptedId ? ' class="accepted"' : '';
  return `<tr${mark}><td><code>${escapeHtml(c.candidate.candidateId)}</code></td><td>${changes}</td><td>${m.lever}<br><small>${m.kind}, cluster ${escapeHtml(m.capabilityEvidence.cluster)}</small></td><td>${pct(c.adaptation?.successRate)}<br><small>reward ${c.adaptation?.meanReward.toFixed(3) ?? '-'}</small></td><td>${pct(c.heldout?.successRate)}</td><td>${verdict}</td><td>${gate}</td><td><details><summary>manifest</summary><pre>${escapeHtml(JSON.stringify(m, null, 2))}</pre></details></td></tr>`;
}

function cycleSection(data: EvolutionReportData): string {
  return data.cycles
    .map((cycle) => {
      const s = cycle.state;
      const header = `<h3>${escapeHtml(s.cycleId)}: ${s.outcome?.status ?? s.stage}</h3><p>current <code>${short(s.currentContentId)}</code>: adaptation ${pct(cycle.currentAdaptation?.successRate)}, held-out ${pct(cycle.currentHeldout?.successRate)}${s.outcome?.reasons.length ? `<br>${escapeHtml(s.outcome.reasons.join('; '))}` : ''}</p>`;
      const rows = cycle.candidates.map((c) => candidateRow(c, s.outcome?.acceptedCandidateId)).join('');
      return `${header}<table><tr><th>candidate</th><th>change</th><th>lever</th><th>adaptation</th><th>held-out</th><th>critic</th><th>gate</th><th></th></tr>${rows}</table>`;
    })
    .join('');
}

function tokensTable(data: EvolutionReportData): string {
  const stages = [...new Set(data.cycles.flatMap((c) => Object.keys(c.state.tokensByStage)))].sort();
  const head = `<tr><th>cycle</th>${stages.map((s) => `<th>${escapeHtml(s)}</th>`).join('')}</tr>`;
  const rows = data.cycles.map((c) => {
    const cells = stages.map((stage) => {
      const t = c.state.tokensByStage[stage];
      return `<td>${t ? `${t.input.toLocaleString('en')} / ${t.output.toLocaleString('en')}${t.costUsd ? `<br>$${t.costUsd.toFixed(4)}` : ''}` : '0'}</td>`;
    });
    return `<tr><td>${escapeHtml(c.state.cycleId)}</td>${cells.join('')}</tr>`;
  });
  return `<table>${head}${rows.join('')}</table><p><small>input / output tokens of the worker model per stage (evaluations that were cached cost nothing); digest, plan, evolve and critic use no model on the embedded default.</small></p>`;
}

export function renderEvolveReport(input: EvolveReportInput): string {
  const { data } = input;
  const s = data.summary;
  const banner = input.simulated
    ? '<p class="warn">The worker was the <b>simulated</b> model (a seeded test double standing in for a small open model).</p>'
    : '';
  const changeOf = (candidateId: string | undefined) =>
    data.cycles
      .flatMap((c) => c.candidates)
      .find((c) => c.candidate.candidateId === candidateId)
      ?.candidate.manifest.changes.map((ch) => `${ch.kind} ${ch.target}`)
      .join(', ') ?? '';
  const chain = data.chain
    .map(
      (v, i) =>
        `<li>v${i} <code>${short(v.contentId)}</code>${v.cycleId ? `: ${escapeHtml(changeOf(v.candidateId))} (${escapeHtml(v.candidateId ?? '')} in ${escapeHtml(v.cycleId)})` : ' (baseline)'}</li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>harnessx evolve: ${escapeHtml(data.project)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#111827;max-width:1200px}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #d1d5db;padding:4px 8px;text-align:left;vertical-align:top}
.matrix td{text-align:center;font-size:12px}.matrix td:first-child{text-align:left}
.warn{background:#fef3c7;padding:.5rem 1rem;border-left:4px solid #d97706}
tr.accepted{background:#dcfce7}li.fail{color:#b91c1c}li.skipped{color:#6b7280}
.key{margin-right:1rem}.key i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}
pre{font-size:11px;max-width:420px;overflow:auto}code{font-size:12px}
</style></head><body>
<h1>harnessx evolve: ${escapeHtml(data.project)}</h1>
<p>Generated ${escapeHtml(input.generatedAt)} &middot; worker <code>${escapeHtml(input.modelDescription)}</code></p>
${banner}
<h2>Summary</h2>
<table id="summary"><tr><th></th><th>adaptation</th><th>held-out</th><th>version</th></tr>
<tr><td>baseline</td><td>${pct(s.baseline.adaptation)}</td><td>${pct(s.baseline.heldout)}</td><td><code>${short(s.baseline.contentId)}</code></td></tr>
<tr><td>final</td><td>${pct(s.final.adaptation)}</td><td>${pct(s.final.heldout)}</td><td><code>${short(s.final.contentId)}</code></td></tr></table>
<p>${s.cycles} cycles, ${s.accepted} accepted, ${s.rejected.length} candidates rejected, stopped: ${escapeHtml(s.stoppedBecause)}; tokens ${s.tokens.input.toLocaleString('en')} in / ${s.tokens.output.toLocaleString('en')} out.</p>
${input.extraSections ?? ''}
<h2>Score per cycle</h2>
${scoreChart(data)}
<h2>Version chain</h2><ol>${chain}</ol>
<h2>Task &times; version (held-out)</h2>${matrix(data, 'heldout')}
<h2>Task &times; version (adaptation)</h2>${matrix(data, 'adaptation')}
<h2>Cycles, candidates, verdicts and gate decisions</h2>${cycleSection(data)}
<h2>Tokens and cost per stage</h2>${tokensTable(data)}
</body></html>
`;
}
