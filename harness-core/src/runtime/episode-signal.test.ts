import { describe, expect, it } from 'vitest';
import { createEpisodeSignal } from './episode-signal.ts';

describe('createEpisodeSignal', () => {
  it('keeps aborted equal to signal.aborted, also inside abort listeners, when the caller aborts', () => {
    const caller = new AbortController();
    const episode = createEpisodeSignal(60_000, caller.signal);
    const seen: boolean[] = [];
    episode.signal.addEventListener('abort', () => seen.push(episode.aborted));
    expect(episode.aborted).toBe(false);
    caller.abort(new Error('stop'));
    expect(episode.aborted).toBe(true);
    expect(episode.signal.aborted).toBe(true);
    expect(seen).toEqual([true]);
    expect(episode.wallClockExpired).toBe(false);
    episode.dispose();
  });

  it('starts aborted when the caller already was', () => {
    const caller = new AbortController();
    caller.abort();
    const episode = createEpisodeSignal(60_000, caller.signal);
    expect(episode.aborted).toBe(true);
    expect(episode.signal.aborted).toBe(true);
    episode.dispose();
  });

  it('aborts at the wall-clock budget and says so', async () => {
    const episode = createEpisodeSignal(5);
    await new Promise((resolve) => episode.signal.addEventListener('abort', resolve, { once: true }));
    expect(episode.aborted).toBe(true);
    expect(episode.wallClockExpired).toBe(true);
    episode.dispose();
  });

  it('never aborts after dispose', async () => {
    const episode = createEpisodeSignal(5);
    episode.dispose();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(episode.aborted).toBe(false);
    expect(episode.signal.aborted).toBe(false);
  });
});
