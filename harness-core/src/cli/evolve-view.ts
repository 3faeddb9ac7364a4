/**
 * The live terminal view of `harnessx evolve`: on a terminal a few lines redrawn in place (cycle,
 * stage, candidates, scores, tokens); in a log one line per stage, candidate and cycle. Always on
 * stderr, so `--json` output on stdout stays one object.
 */
import type { EvolutionEvent } from '../aegis/pipeline/cycle-deps.ts';

export interface EvolveView {
  onEvent(event: EvolutionEvent): void;
  finish(): void;
}

export function createEvolveView(maxCycles: number, stream: NodeJS.WriteStream = process.stderr): EvolveView {
  const interactive = Boolean(stream.isTTY);
  const status = { cycle: '', stage: '', progress: '', candidates: [] as string[], last: '' };
  let drawn = 0;
  const redraw = () => {
    if (drawn > 0) stream.write(`\x1b[${drawn}A`);
    const lines = [
      `cycle ${status.cycle || '-'} of up to ${maxCycles}  stage ${status.stage || '-'}  ${status.progress}`,
      ...status.candidates.slice(-4).map((c) => `  ${c}`),
      status.last ? `  last: ${status.last}` : '',
    ].filter((line) => line !== '');
    for (const line of lines) stream.write(`\x1b[2K${line.slice(0, (stream.columns ?? 120) - 1)}\n`);
    drawn = lines.length;
  };
  const log = (line: string) => stream.write(`${line}\n`);
  return {
    onEvent(event) {
      switch (event.type) {
        case 'stage-start':
          status.cycle = event.cycleId;
          status.stage = event.stage;
          status.progress = '';
          if (event.stage === 'baseline') status.candidates = [];
          if (!interactive) log(`[${event.cycleId}] ${event.stage}...`);
          break;
        case 'progress':
          status.progress = `${event.label}: ${event.done}/${event.total} episodes`;
          if (!interactive && (event.done === event.total || event.done % 100 === 0)) {
            log(`[${event.cycleId}] ${event.stage}: ${status.progress}`);
          }
          break;
        case 'candidate':
          status.candidates.push(`${event.candidateId} ${event.status}: ${event.detail}`);
          if (!interactive) log(`[${event.cycleId}] ${event.candidateId} ${event.status}: ${event.detail}`);
          break;
        case 'cycle-end':
          status.last = `${event.cycleId} ${event.status}${event.detail ? ` (${event.detail})` : ''}`;
          if (!interactive)
            log(`[${event.cycleId}] ${event.status}${event.detail ? `: ${event.detail}` : ''}`);
          break;
        default:
          break;
      }
      if (interactive) redraw();
    },
    finish() {
      if (interactive) stream.write('\n');
    },
  };
}
