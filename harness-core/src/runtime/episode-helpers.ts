/** Small pieces of the episode loop kept apart so the loop itself reads top to bottom. */
import type { EpisodeEnvironment } from '../environments/environment.ts';
import { AbortedError, HarnessError } from '../errors.ts';
import type { EpisodeView, HookArgs, HookContext } from '../harness/hooks.ts';
import type { EpisodeOutcome } from '../trace/trajectory.ts';
import type { EpisodeRecorder } from './episode-recorder.ts';

export type LoopEnd = 'completed' | Exclude<EpisodeOutcome, 'success' | 'failure'>;

/** `signal` is an `AbortSignal` or anything that always agrees with one (an `EpisodeSignal`). */
export function throwIfAborted(signal: { readonly aborted: boolean }): void {
  if (signal.aborted) throw new AbortedError();
}

/** The `taskEnd` hook's arguments. Fields named, not spread in: a spread here takes V8's slow path. */
export function taskEndArgs(
  environment: EpisodeEnvironment,
  end: LoopEnd,
  episode: EpisodeView,
  emit: HookContext['emit'],
  random: HookContext['random'],
  sleep: HookContext['sleep'],
): HookArgs['taskEnd'] {
  const score = environment.score();
  const outcome = end === 'completed' ? (score.success ? 'success' : 'failure') : end;
  return { outcome, success: score.success, reward: score.reward, episode, emit, random, sleep };
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
