/** Small pieces of the episode loop kept apart so the loop itself reads top to bottom. */
import type { EpisodeEnvironment } from '../environments/environment.ts';
import { AbortedError, HarnessError } from '../errors.ts';
import type { EpisodeOutcome } from '../trace/trajectory.ts';
import type { EpisodeRecorder } from './episode-recorder.ts';

export type LoopEnd = 'completed' | Exclude<EpisodeOutcome, 'success' | 'failure'>;

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new AbortedError();
}

export function scoreArgs(environment: EpisodeEnvironment, end: LoopEnd) {
  const score = environment.score();
  const outcome = end === 'completed' ? (score.success ? 'success' : 'failure') : end;
  return { outcome, success: score.success, reward: score.reward };
}

export function safeScore(
  environment: EpisodeEnvironment,
  recorder: EpisodeRecorder,
): { success: boolean; reward: number } {
  try {
    const score = environment.score();
    return { success: score.success, reward: score.reward };
  } catch (error) {
    recorder.event('score-failed', { message: (error as Error).message });
    return { success: false, reward: 0 };
  }
}

export function describeFailure(error: unknown): { type: string; message: string } {
  if (error instanceof HarnessError) return { type: error.code, message: error.message };
  if (error instanceof Error) return { type: error.name, message: error.message };
  return { type: 'Error', message: String(error) };
}
