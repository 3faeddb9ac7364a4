/**
 * Per-trajectory checks the builder runs inside a group: greedy sampling and exact duplicates
 * (E15), trainable calls (E8), and tool messages with no matching earlier tool call (E20).
 */
import { expandContexts } from './context-deltas.ts';
import type { XgrpoTrajectory } from './group-record-schema.ts';
import type { TrajectoryCandidate } from './trajectory-mapping.ts';

/** Greedy when every trainable call was sampled below `threshold` (a call with no temperature is not). */
export function isGreedy(candidate: Pick<TrajectoryCandidate, 'calls'>, threshold: number): boolean {
  const trainable = candidate.calls.filter((call) => call.trainable);
  return (
    trainable.length > 0 &&
    trainable.every((call) => call.sampling.temperature !== null && call.sampling.temperature < threshold)
  );
}

/** What makes two greedy trajectories the same sample: everything except their id. */
function duplicateKey(candidate: TrajectoryCandidate): string {
  return JSON.stringify([
    candidate.harness,
    candidate.status,
    candidate.reward,
    candidate.rewardComponents ?? null,
    candidate.tools,
    candidate.calls,
  ]);
}

/**
 * Splits greedy exact duplicates off (E15): of each set of identical greedy trajectories the one
 * with the smallest id stays. Input must be sorted by trajectory id.
 */
export function collapseGreedyDuplicates(
  sorted: readonly TrajectoryCandidate[],
  threshold: number,
): { kept: TrajectoryCandidate[]; duplicates: TrajectoryCandidate[] } {
  const seen = new Set<string>();
  const kept: TrajectoryCandidate[] = [];
  const duplicates: TrajectoryCandidate[] = [];
  for (const candidate of sorted) {
    if (!isGreedy(candidate, threshold)) {
      kept.push(candidate);
      continue;
    }
    const key = duplicateKey(candidate);
    if (seen.has(key)) duplicates.push(candidate);
    else {
      seen.add(key);
      kept.push(candidate);
    }
  }
  return { kept, duplicates };
}

/** Tool-call ids answered by a tool message that no earlier assistant message of its request made. */
export function orphanToolCallIds(trajectory: XgrpoTrajectory): string[] {
  const orphans = new Set<string>();
  for (const messages of expandContexts(trajectory).values()) {
    const issued = new Set<string>();
    for (const message of messages) {
      if (message.role === 'assistant') for (const call of message.tool_calls ?? []) issued.add(call.id);
      else if (message.role === 'tool' && !issued.has(message.tool_call_id))
        orphans.add(message.tool_call_id);
    }
  }
  return [...orphans].sort();
}
