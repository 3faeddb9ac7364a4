/** Shared by the frozen-fixture tests of every AEGIS artifact: load a fixture, check a bad one fails right. */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { InputError } from '../../../errors.ts';
import type { SafeParseResult } from '../../../schema.ts';

export function loadArtifactFixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));
}

/** The named bad fixture fails with an `InputError` that names the file and each of `paths`. */
export function expectBadFixtureRejected(
  codec: { safeParse(value: unknown, source?: string): SafeParseResult<unknown> },
  name: string,
  paths: readonly string[],
): void {
  const result = codec.safeParse(loadArtifactFixture(name), name);
  expect(result.success).toBe(false);
  if (result.success) return;
  expect(result.error).toBeInstanceOf(InputError);
  expect(result.error.source).toBe(name);
  const issuePaths = result.error.issues.map((issue) => issue.path);
  for (const path of paths) expect(issuePaths).toContain(path);
}
