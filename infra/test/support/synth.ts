/** Test helpers: apps synthesized into temporary folders with the context `cdk synth` uses. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createFoundryApp } from '../../lib/foundry-app.ts';
import { REPOSITORY_ROOT } from '../../lib/repository-root.ts';
import type { HarnessFoundryStack } from '../../lib/stacks/harness-foundry-stack.ts';

/** The `context` of the repository's cdk.json (feature flags), as the CLI passes it. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(REPOSITORY_ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

const outdirs: string[] = [];

export function temporaryOutdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'harnessx-infra-'));
  outdirs.push(dir);
  return dir;
}

/** Removes the cloud assemblies this test file synthesized (bundled assets are tens of MB). */
export function removeTemporaryOutdirs(): void {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** App props for a test: cdk.json's flags, a fresh outdir, and no asset bundling unless asked. */
export function testAppProps(
  options: { bundling?: boolean; context?: Record<string, unknown> } = {},
): AppProps {
  return {
    outdir: temporaryOutdir(),
    context: {
      ...cdkJsonContext(),
      ...(options.bundling ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...options.context,
    },
  };
}

/** The real app (cdk-nag included), synthesized without bundling. */
export async function synthFoundry(
  context: Record<string, unknown> = {},
): Promise<{ stack: HarnessFoundryStack; template: Template }> {
  const { stack } = await createFoundryApp(testAppProps({ context }));
  return { stack, template: Template.fromStack(stack) };
}
