/**
 * The co-evolution section of report.html: harness-only vs co-evolved success on both splits (same
 * project, seed and cycle budget), and each training round's model and the knobs it changed. The
 * training backend is named in the section: `simulated` trains the simulated worker's knobs only.
 */
import type { EvolutionSummary } from '../aegis/pipeline/run-evolution.ts';
import type { TrainingRound } from '../aegis/simulated-training-rounds.ts';
import { escapeHtml } from './report-html.ts';

const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
const rate = (value: number) => value.toFixed(3);

export function renderCoevolutionSection(input: {
  harnessOnly: EvolutionSummary;
  coevolved: EvolutionSummary;
  rounds: readonly TrainingRound[];
  backend: 'simulated';
}): string {
  const row = (label: string, s: EvolutionSummary) =>
    `<tr><td>${label}</td><td>${pct(s.final.adaptation)}</td><td>${pct(s.final.heldout)}</td><td>${s.cycles}</td><td>${s.accepted}</td></tr>`;
  const rounds = input.rounds
    .map((round) => {
      const changes = Object.entries(round.report.rates)
        .map(([name, update]) => `${escapeHtml(name)} ${rate(update.before)} &rarr; ${rate(update.after)}`)
        .join('<br>');
      return `<tr><td>${escapeHtml(round.afterCycle)}</td><td><code>${escapeHtml(round.modelBefore)}</code> &rarr; <code>${escapeHtml(round.modelAfter)}</code></td><td>${round.groups}</td><td>${changes}</td></tr>`;
    })
    .join('');
  return `<h2>Co-evolution</h2>
<p class="warn">Training backend: <b>${input.backend}</b>: a simulation of fine-tuning. Each round trains only the
simulated worker's knobs (REINFORCE with the cross-harness group baseline, on the cycle's GRPO groups),
standing in for LoRA on real weights.</p>
<table id="coevolution"><tr><th>final success</th><th>adaptation</th><th>held-out</th><th>cycles</th><th>accepted</th></tr>
<tr><td>baseline</td><td>${pct(input.harnessOnly.baseline.adaptation)}</td><td>${pct(input.harnessOnly.baseline.heldout)}</td><td>-</td><td>-</td></tr>
${row('harness only', input.harnessOnly)}
${row('harness + model (co-evolved)', input.coevolved)}</table>
<table id="training-rounds"><tr><th>after cycle</th><th>model</th><th>groups</th><th>knobs</th></tr>${rounds}</table>`;
}
