/**
 * Deep freezing of what processors receive. History messages are frozen once when they enter the
 * history, so handing them to every processor on every hook costs nothing, and a processor that
 * tries to mutate its arguments fails loudly instead of corrupting the episode.
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
