/**
 * The local stack as the end-to-end tests run it: on free ports, bundles in a throwaway folder inside
 * the repository (so the bundles resolve node_modules), a visibility timeout long enough for a
 * stage, and the store and registry opened on it the way the CLI opens them.
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type LocalFoundry,
  type LocalStack,
  openLocalFoundry,
  startLocalStack,
} from '../../../harness-core/src/adapters/aws/local-stack/index.ts';
import { REPO_ROOT } from './household-fixture.ts';

export interface TestStack {
  stack: LocalStack;
  local: LocalFoundry;
  stop(): Promise<void>;
}

export async function startTestStack(name: string): Promise<TestStack> {
  const stateDir = join(REPO_ROOT, '.harnessx', `test-${name}-${randomUUID().slice(0, 8)}`);
  const stack = await startLocalStack({
    repoRoot: REPO_ROOT,
    stateDir,
    ports: { s3AndSqs: 0, dynamodb: 0 },
    visibilityTimeoutSeconds: 60,
  });
  const local = openLocalFoundry({
    endpoints: stack.endpoints,
    bucket: stack.resources.bucket,
    tables: stack.resources.tables,
  });
  return {
    stack,
    local,
    stop: async () => {
      local.close();
      await stack.stop();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}
