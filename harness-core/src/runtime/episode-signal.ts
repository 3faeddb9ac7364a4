/**
 * The episode's abort signal: the caller's signal or the wall-clock budget, whichever fires first.
 * One timer per episode, cleared when the episode ends, so thousands of short episodes leave no
 * pending timers behind (AbortSignal.timeout would keep each one alive for the whole budget).
 */
export interface EpisodeSignal {
  readonly signal: AbortSignal;
  /** True when the wall-clock budget (not the caller) ended the episode. */
  readonly wallClockExpired: boolean;
  dispose(): void;
}

export function createEpisodeSignal(wallClockMs: number, caller?: AbortSignal): EpisodeSignal {
  const controller = new AbortController();
  let wallClockExpired = false;
  const timer = setTimeout(() => {
    wallClockExpired = true;
    controller.abort(new Error('wall-clock budget exhausted'));
  }, wallClockMs);
  timer.unref?.();
  const onCallerAbort = forwardAbort(controller, caller);
  if (caller?.aborted) controller.abort(caller.reason);
  else caller?.addEventListener('abort', onCallerAbort, { once: true });
  return {
    signal: controller.signal,
    get wallClockExpired() {
      return wallClockExpired && !caller?.aborted;
    },
    dispose() {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onCallerAbort);
    },
  };
}

/** Made by a function rather than assigned to a name: the loader names such closures at run time. */
function forwardAbort(controller: AbortController, caller: AbortSignal | undefined): () => void {
  return () => controller.abort(caller?.reason);
}
