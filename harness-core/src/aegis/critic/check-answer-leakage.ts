/**
 * Answer leakage: a task id or an expected answer of either split written as a literal into the
 * candidate's prompts, option strings or code, where the parent had none. A harness that knows the
 * answers scores on the benchmark and nowhere else, so it blocks.
 *
 * Answers match as normalised substrings (case and whitespace ignored) and only from
 * `minAnswerLength` characters, so a generic word in the corpus cannot flag every prompt. Task ids
 * match as whole tokens (`task-1` does not match inside `task-12`).
 */
import { type CheckFinding, listSome } from './check-finding.ts';
import type { LeakageCorpus } from './critic-input.ts';
import { normaliseText, type TextSurface } from './spec-text-surfaces.ts';

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function taskIdPattern(taskId: string): RegExp {
  return new RegExp(`(?<![A-Za-z0-9_-])${escapeRegExp(taskId)}(?![A-Za-z0-9_-])`, 'i');
}

const shorten = (text: string): string => (text.length > 60 ? `${text.slice(0, 57)}...` : text);

export function checkAnswerLeakage(
  candidate: readonly TextSurface[],
  parent: readonly TextSurface[],
  corpus: LeakageCorpus,
  minAnswerLength: number,
): CheckFinding {
  const parentText = parent.map((surface) => surface.text).join('\n');
  const parentNormalised = normaliseText(parentText);
  const candidateNormalised = candidate.map((surface) => ({
    ...surface,
    normalised: normaliseText(surface.text),
  }));
  const leaks: string[] = [];
  for (const taskId of [...new Set(corpus.taskIds)].sort()) {
    const pattern = taskIdPattern(taskId);
    if (pattern.test(parentText)) continue;
    const found = candidate.find((surface) => pattern.test(surface.text));
    if (found) leaks.push(`task id "${taskId}" in ${found.where}`);
  }
  const answers = [...new Set(corpus.answers.map(normaliseText))].filter(
    (answer) => answer.length >= minAnswerLength,
  );
  for (const answer of answers.sort()) {
    if (parentNormalised.includes(answer)) continue;
    const found = candidateNormalised.find((surface) => surface.normalised.includes(answer));
    if (found) leaks.push(`expected answer "${shorten(answer)}" in ${found.where}`);
  }
  return {
    id: 'answer-leakage',
    passed: leaks.length === 0,
    detail:
      leaks.length === 0
        ? `no new task id or expected answer among ${candidate.length} text surface(s)`
        : `${leaks.length} literal(s) from the task corpus newly written into the harness: ${listSome(leaks)}`,
  };
}
