/**
 * Does a change manifest tell the whole truth about its spec? Every listed change must show in the
 * spec diff parent → candidate and every difference must be listed. Targets are matched after
 * normalisation (`budgets.maxTurns` = `maxTurns`; one `set-budget` on `budgets` covers every
 * budget; the slot kinds name their slot whatever target they give). A reorder is explained when
 * taking the listed processors out of both orders leaves the rest in the same order, because which
 * of two swapped processors "moved" is a matter of description, not of fact.
 */
import type { Change, ChangeManifest } from '../artifacts/candidate.ts';
import type { HarnessSpecDiff, SpecDifference } from './diff-harness-specs.ts';
import { compareIds } from './exact-tests.ts';

export interface ChangeMismatch {
  change: string;
  manifestAfter: unknown;
  specAfter: unknown;
}

export interface ManifestComparison {
  complete: boolean;
  /** Differences in the spec that the manifest does not list, as `kind target`. */
  unlisted: string[];
  /** Manifest changes with no counterpart in the spec, as `kind target`. */
  unreflected: string[];
  /** Listed budget changes whose stated new value is not the spec's. */
  mismatched: ChangeMismatch[];
  outsideVocabulary: string[];
}

const SLOT_TARGETS: Partial<Record<Change['kind'], string>> = {
  'set-tools': 'tools',
  'set-system-prompt': 'systemPrompt',
  'set-memory': 'memory',
};

function normaliseTarget(change: Pick<Change, 'kind' | 'target'>): string {
  const slot = SLOT_TARGETS[change.kind];
  if (slot) return slot;
  if (change.kind === 'set-budget') return change.target.replace(/^budgets\./, '');
  return change.target.replace(/^processors\./, '');
}

const label = (change: Pick<Change, 'kind' | 'target'>): string =>
  `${change.kind} ${normaliseTarget(change)}`;

/** The processor keys (`processorKeys`) of parent and candidate, each in its spec order. */
export interface ProcessorOrders {
  before: readonly string[];
  after: readonly string[];
}

function withoutListed(order: readonly string[], listed: ReadonlySet<string>): string {
  return order.filter((key) => !listed.has(key)).join('\u0000');
}

function compareReorders(
  listed: ReadonlySet<string>,
  diffMoved: ReadonlySet<string>,
  orders: ProcessorOrders,
  result: { unlisted: string[]; unreflected: string[] },
): void {
  const common = new Set(orders.before.filter((key) => orders.after.includes(key)));
  const before = orders.before.filter((key) => common.has(key));
  const after = orders.after.filter((key) => common.has(key));
  const position = new Map(after.map((key, index) => [key, index]));
  const inverted = (key: string): boolean => {
    const i = before.indexOf(key);
    return before.some((other, j) => other !== key && j < i !== position.get(other)! < position.get(key)!);
  };
  const orderChanged = diffMoved.size > 0;
  for (const key of [...listed].sort(compareIds)) {
    if (!common.has(key) || !inverted(key)) result.unreflected.push(`reorder-processor ${key}`);
  }
  if (orderChanged && withoutListed(before, listed) !== withoutListed(after, listed)) {
    for (const key of [...diffMoved].sort(compareIds)) {
      if (!listed.has(key)) result.unlisted.push(`reorder-processor ${key}`);
    }
  }
}

/**
 * Compares a manifest with the spec diff it claims to describe.
 * @param orders the processor keys of parent and candidate, in order (for reorders)
 */
export function compareManifestWithDiff(
  manifest: ChangeManifest,
  diff: HarnessSpecDiff,
  orders: ProcessorOrders,
): ManifestComparison {
  const result = {
    unlisted: [] as string[],
    unreflected: [] as string[],
    mismatched: [] as ChangeMismatch[],
  };
  const listedChanges = manifest.changes.filter((change) => change.kind !== 'reorder-processor');
  const listedReorders = new Set(
    manifest.changes.filter((change) => change.kind === 'reorder-processor').map(normaliseTarget),
  );
  const diffChanges = diff.changes.filter((change) => change.kind !== 'reorder-processor');
  const diffMoved = new Set(
    diff.changes.filter((change) => change.kind === 'reorder-processor').map((change) => change.target),
  );
  const coversAllBudgets = listedChanges.some(
    (change) => change.kind === 'set-budget' && normaliseTarget(change) === 'budgets',
  );
  const diffLabels = new Map(diffChanges.map((change) => [label(change), change]));
  const listedLabels = new Map(listedChanges.map((change) => [label(change), change]));

  for (const [key, change] of [...listedLabels.entries()].sort(([a], [b]) => compareIds(a, b))) {
    if (key === 'set-budget budgets') {
      if (!diffChanges.some((entry) => entry.kind === 'set-budget')) result.unreflected.push(key);
      continue;
    }
    const actual = diffLabels.get(key);
    if (!actual) {
      result.unreflected.push(key);
      continue;
    }
    if (change.kind === 'set-budget' && typeof change.after === 'number' && change.after !== actual.after) {
      result.mismatched.push({ change: key, manifestAfter: change.after, specAfter: actual.after });
    }
  }
  for (const [key, change] of diffLabels) {
    if (listedLabels.has(key)) continue;
    if (change.kind === 'set-budget' && coversAllBudgets) continue;
    result.unlisted.push(key);
  }
  compareReorders(listedReorders, diffMoved, orders, result);
  const outsideVocabulary = diff.outsideVocabulary.map((difference: SpecDifference) => difference.path);
  result.unlisted.sort(compareIds);
  result.unreflected.sort(compareIds);
  return {
    complete:
      result.unlisted.length === 0 &&
      result.unreflected.length === 0 &&
      result.mismatched.length === 0 &&
      outsideVocabulary.length === 0,
    ...result,
    outsideVocabulary,
  };
}
