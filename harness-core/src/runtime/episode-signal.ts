/**
 * The episode's abort signal: the caller's signal or the wall-clock budget, whichever fires first.
 * One timer per episode, cleared when the episode ends, so thousands of short episodes leave no
 * pending timers behind (AbortSignal.timeout would keep each one alive for the whole budget).
 */
export interface EpisodeSignal {
  readonly signal: AbortSignal;
  /**
   * Always equal to `signal.aborted`, as a plain field: the runtime asks a dozen times a turn, and
   * `AbortSignal`'s own getter validates its receiver on every read.
   */
  readonly aborted: boolean;
  /** True when the wall-clock budget (not the caller) ended the episode. */
  readonly wallClockExpired: boolean;
  dispose(): void;
}

export function createEpisodeSignal(wallClockMs: number, caller?: AbortSignal): EpisodeSignal {
  const controller = new AbortController();
  let wallClockExpired = false;
  const episode = {
    signal: controller.signal,
    aborted: false,
    get wallClockExpired() {
      return wallClockExpired && !caller?.aborted;
    },
    dispose() {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onCallerAbort);
    },
  };
  // The controller is aborted only through `abort`, which sets the field first, so the signal's
  // listeners already see it set.
  const abort = aborterFor(episode, controller);
  const timer = setTimeout(() => {
    wallClockExpired = true;
    abort(new Error('wall-clock budget exhausted'));
  }, wallClockMs);
  timer.unref?.();
  const onCallerAbort = forwardAbort(abort, caller);
  if (caller?.aborted) abort(caller.reason);
  else caller?.addEventListener('abort', onCallerAbort, { once: true });
  return episode;
}

/** Made by functions rather than assigned to names: the loader names such closures at run time. */
function aborterFor(episode: { aborted: boolean }, controller: AbortController): (reason: unknown) => void {
  return (reason) => {
    episode.aborted = true;
    controller.abort(reason);
  };
}

function forwardAbort(abort: (reason: unknown) => void, caller: AbortSignal | undefined): () => void {
  return () => abort(caller?.reason);
}
