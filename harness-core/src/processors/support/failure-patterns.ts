/**
 * Failure patterns: case-insensitive regexes that mark a tool result as a failure when the
 * environment reports it in prose ("Nothing happens.") rather than with `isError`.
 */

/** Compiles the patterns once per episode. */
export function compileFailurePatterns(sources: readonly string[]): RegExp[] {
  return sources.map((source) => new RegExp(source, 'i'));
}

/** True when a pattern matches the trimmed text. Runs on every tool result, so it allocates nothing. */
export function matchesFailurePattern(patterns: readonly RegExp[], text: string): boolean {
  if (patterns.length === 0) return false;
  const trimmed = text.trim();
  for (const pattern of patterns) if (pattern.test(trimmed)) return true;
  return false;
}
