/** Helpers every stage uses: the current spec, stored artifacts of this cycle, token bookkeeping. */
import { SystemError } from '../../errors.ts';
import { type HarnessSpec, parseHarnessSpec } from '../../harness/spec.ts';
import { storeKeys } from '../../ports/artifact-store.ts';
import { parseJsonText } from '../../schema.ts';
import type { CycleState } from '../artifacts/cycle-state.ts';
import type { Evaluation } from '../artifacts/evaluation.ts';
import type { CycleDeps } from './cycle-deps.ts';

export async function loadVersionSpec(deps: CycleDeps, contentId: string): Promise<HarnessSpec> {
  const key = storeKeys.harnessVersion(deps.harnessName, contentId);
  const bytes = await deps.store.get(key);
  if (bytes === undefined) throw new SystemError(`harness version ${contentId} is not in the store (${key})`);
  return parseHarnessSpec(
    parseJsonText(Buffer.from(bytes).toString('utf8'), 'harness spec', `store:${key}`),
    `store:${key}`,
  );
}

export function addTokens(state: CycleState, stage: string, evaluation: Evaluation, ran: boolean): void {
  if (!ran) return;
  const entry = state.tokensByStage[stage] ?? { input: 0, output: 0, costUsd: 0 };
  state.tokensByStage[stage] = entry;
  entry.input += evaluation.tokens.input;
  entry.output += evaluation.tokens.output;
  entry.costUsd += evaluation.tokens.costUsd;
}

export function cycleArtifactKey(cycleId: string, name: string): string {
  return storeKeys.cycleArtifact(cycleId, name);
}
