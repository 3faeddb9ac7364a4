/**
 * What a critic check finds, before policy: passed or not, and why. Severity is the policy's to
 * assign (`judge-candidate.ts`), so the same checks can serve a stricter or laxer policy.
 */
import type { CriticCheckId } from '../artifacts/verdict.ts';

export interface CheckFinding {
  id: CriticCheckId;
  passed: boolean;
  detail: string;
}

/** Lists at most `limit` items, saying how many more there were. */
export function listSome(items: readonly string[], limit = 8): string {
  const shown = items.slice(0, limit).join('; ');
  return items.length > limit ? `${shown}; and ${items.length - limit} more` : shown;
}

export const formatRate = (value: number): string => value.toFixed(3);
