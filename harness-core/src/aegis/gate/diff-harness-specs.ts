/**
 * The difference between two harness specs, in the change manifest's vocabulary (`CHANGE_KINDS`).
 * The gate compares it with a candidate's manifest; evolve may use it to write one.
 *
 * Targets, so that a manifest and a diff name the same thing the same way:
 * - processor changes (`add-processor`, `add-code-processor`, `remove-processor`,
 *   `configure-processor`, `reorder-processor`): the processor id;
 * - `set-budget`: the budget name (`maxTurns`, `maxTokens`, `maxToolCalls`, `wallClockMs`);
 * - `set-system-prompt`: `systemPrompt`; `set-tools`: `tools`; `set-memory`: `memory`.
 *
 * `parent` and `description` are lineage and prose, not behaviour, and are not compared. Anything
 * else that differs (name, models, workspace, schema version) has no word in the vocabulary and is
 * returned in `outsideVocabulary`: no manifest can list it, so the gate refuses it.
 */

import { canonicalJson } from '../../harness/canonical.ts';
import type { HarnessSpec, ProcessorRef } from '../../harness/spec.ts';
import type { Change } from '../artifacts/candidate.ts';

export interface SpecDifference {
  path: string;
  before: unknown;
  after: unknown;
}

export interface HarnessSpecDiff {
  changes: Change[];
  outsideVocabulary: SpecDifference[];
}

const NOT_COMPARED = new Set(['parent', 'description', 'processors', 'slots', 'budgets']);
const SLOTS_IN_VOCABULARY = new Set(['systemPrompt', 'tools', 'memory']);
const BUDGET_ORDER = ['maxTurns', 'maxTokens', 'maxToolCalls', 'wallClockMs'];

const same = (a: unknown, b: unknown): boolean => canonicalJson(a ?? null) === canonicalJson(b ?? null);

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

/** Keys of both objects, known ones first in `preferred` order, the rest sorted. */
function unionKeys(a: unknown, b: unknown, preferred: readonly string[] = []): string[] {
  const keys = new Set([...Object.keys(asRecord(a)), ...Object.keys(asRecord(b))]);
  const known = preferred.filter((key) => keys.has(key));
  const rest = [...keys].filter((key) => !preferred.includes(key)).sort();
  return [...known, ...rest];
}

/** Processor keys: the id, suffixed `#2`, `#3`… for repeats, so a duplicate is never silently merged. */
export function processorKeys(processors: readonly ProcessorRef[]): string[] {
  return keyedProcessors(processors).map(({ key }) => key);
}

function keyedProcessors(processors: readonly ProcessorRef[]): { key: string; ref: ProcessorRef }[] {
  const seen = new Map<string, number>();
  return processors.map((ref) => {
    const count = (seen.get(ref.id) ?? 0) + 1;
    seen.set(ref.id, count);
    return { key: count === 1 ? ref.id : `${ref.id}#${count}`, ref };
  });
}

/** Longest common subsequence of two key lists: the processors that kept their relative order. */
export function longestCommonSubsequence(a: readonly string[], b: readonly string[]): string[] {
  const table: number[][] = Array.from({ length: a.length + 1 }, () =>
    new Array<number>(b.length + 1).fill(0),
  );
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i]![j] =
        a[i] === b[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push(a[i]!);
      i++;
      j++;
    } else if (table[i + 1]![j]! >= table[i]![j + 1]!) i++;
    else j++;
  }
  return out;
}

function diffProcessors(parent: readonly ProcessorRef[], candidate: readonly ProcessorRef[]): Change[] {
  const before = keyedProcessors(parent);
  const after = keyedProcessors(candidate);
  const beforeByKey = new Map(before.map((entry, index) => [entry.key, { ...entry, index }]));
  const afterByKey = new Map(after.map((entry, index) => [entry.key, { ...entry, index }]));
  const changes: Change[] = [];
  for (const { key, ref } of before) {
    if (!afterByKey.has(key)) changes.push({ kind: 'remove-processor', target: key, before: ref });
  }
  for (const { key, ref } of after) {
    if (beforeByKey.has(key)) continue;
    changes.push({ kind: 'code' in ref ? 'add-code-processor' : 'add-processor', target: key, after: ref });
  }
  for (const { key, ref } of after) {
    const previous = beforeByKey.get(key);
    if (previous && !same(previous.ref, ref)) {
      changes.push({ kind: 'configure-processor', target: key, before: previous.ref, after: ref });
    }
  }
  const commonBefore = before.filter(({ key }) => afterByKey.has(key)).map(({ key }) => key);
  const commonAfter = after.filter(({ key }) => beforeByKey.has(key)).map(({ key }) => key);
  const kept = new Set(longestCommonSubsequence(commonBefore, commonAfter));
  for (const key of commonAfter) {
    if (kept.has(key)) continue;
    changes.push({
      kind: 'reorder-processor',
      target: key,
      before: beforeByKey.get(key)!.index,
      after: afterByKey.get(key)!.index,
    });
  }
  return changes;
}

function diffSlots(parent: unknown, candidate: unknown, outside: SpecDifference[]): Change[] {
  const a = asRecord(parent);
  const b = asRecord(candidate);
  const changes: Change[] = [];
  if (!same(a['tools'], b['tools'])) {
    changes.push({ kind: 'set-tools', target: 'tools', before: a['tools'], after: b['tools'] });
  }
  if (!same(a['systemPrompt'], b['systemPrompt'])) {
    changes.push({
      kind: 'set-system-prompt',
      target: 'systemPrompt',
      before: a['systemPrompt'],
      after: b['systemPrompt'],
    });
  }
  const memoryBefore = asRecord(a['memory'])['kind'];
  const memoryAfter = asRecord(b['memory'])['kind'];
  if (!same(a['memory'], b['memory'])) {
    changes.push({ kind: 'set-memory', target: 'memory', before: memoryBefore, after: memoryAfter });
  }
  for (const key of unionKeys(a, b)) {
    if (SLOTS_IN_VOCABULARY.has(key) || same(a[key], b[key])) continue;
    outside.push({ path: `slots.${key}`, before: a[key], after: b[key] });
  }
  return changes;
}

function diffBudgets(parent: unknown, candidate: unknown): Change[] {
  const a = asRecord(parent);
  const b = asRecord(candidate);
  return unionKeys(a, b, BUDGET_ORDER)
    .filter((key) => !same(a[key], b[key]))
    .map((key) => ({ kind: 'set-budget' as const, target: key, before: a[key], after: b[key] }));
}

/**
 * Every behavioural difference from `parent` to `candidate`, in a deterministic order: processor
 * removals, additions, re-configurations and moves, then tools, system prompt, memory, budgets.
 * A reorder lists the processors outside the longest run that kept its relative order.
 * @example
 * const { changes, outsideVocabulary } = diffHarnessSpecs(currentSpec, candidate.spec);
 */
export function diffHarnessSpecs(parent: HarnessSpec, candidate: HarnessSpec): HarnessSpecDiff {
  const outsideVocabulary: SpecDifference[] = [];
  const a = parent as unknown as Record<string, unknown>;
  const b = candidate as unknown as Record<string, unknown>;
  for (const key of unionKeys(a, b)) {
    if (NOT_COMPARED.has(key) || same(a[key], b[key])) continue;
    outsideVocabulary.push({ path: key, before: a[key], after: b[key] });
  }
  const changes = [
    ...diffProcessors(parent.processors ?? [], candidate.processors ?? []),
    ...diffSlots(parent.slots, candidate.slots, outsideVocabulary),
    ...diffBudgets(parent.budgets, candidate.budgets),
  ];
  outsideVocabulary.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  return { changes, outsideVocabulary };
}
