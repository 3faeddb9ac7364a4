/**
 * One AEGIS cycle on the local stack (bundled handlers, SQS event sources, S3 and DynamoDB over their
 * wire protocols, evaluations fanned out in shards) against the same cycle in-process on the
 * embedded store. The clock runs from the trace upload to the stack going idle, so bundling and
 * emulator start-up are excluded (a deployed stack is already up). Ratio = in-process ÷ stack;
 * the target 0.5 means the stack takes at most twice as long.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLocalFoundry, startLocalStack } from '../harness-core/src/adapters/aws/local-stack/index.ts';
import { createEmbeddedFoundry } from '../harness-core/src/adapters/embedded/index.ts';
import { composeCycleDeps } from '../harness-core/src/aegis/compose-cycle-deps.ts';
import { registerProject } from '../harness-core/src/aegis/distributed/index.ts';
import { loadCycleState, newCycleState, runCycle } from '../harness-core/src/aegis/pipeline/run-cycle.ts';
import {
  householdTraceFiles,
  loadHouseholdProject,
  REPO_ROOT,
} from '../test/integration/support/household-fixture.ts';
import type { BenchResult } from './bench-result.ts';

const TRACE_KEY = 'traces/household/bench/agent-run.json';
const seconds = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e9;

export async function run(): Promise<BenchResult> {
  const { project, baselineSpec } = await loadHouseholdProject({ triggerTraces: 1 });
  const [trace = ''] = await householdTraceFiles(baselineSpec, 1);
  const emit = () => {};

  const dir = await mkdtemp(join(tmpdir(), 'hx-bench-inprocess-'));
  let inProcess: number;
  let inProcessOutcome: string;
  try {
    const embedded = createEmbeddedFoundry(dir);
    const { baselineContentId } = await registerProject(embedded, { project, baselineSpec });
    await embedded.store.put(TRACE_KEY, trace);
    const { deps } = composeCycleDeps({ project, baselineSpec, ...embedded, env: {}, source: 'bench', emit });
    const initial = newCycleState('household', 1, baselineContentId);
    initial.artifacts.uploadedTraces = [TRACE_KEY];
    const started = process.hrtime.bigint();
    const state = await runCycle(deps, initial);
    inProcess = seconds(started);
    inProcessOutcome = state.outcome?.status ?? 'none';
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  const stateDir = join(REPO_ROOT, '.harnessx', `bench-stack-${randomUUID().slice(0, 8)}`);
  const stack = await startLocalStack({ repoRoot: REPO_ROOT, stateDir, ports: { s3AndSqs: 0, dynamodb: 0 } });
  let onStack: number;
  let stackOutcome: string;
  try {
    const local = openLocalFoundry({
      endpoints: stack.endpoints,
      bucket: stack.resources.bucket,
      tables: stack.resources.tables,
    });
    await registerProject(local, { project, baselineSpec });
    const started = process.hrtime.bigint();
    await local.store.put(TRACE_KEY, trace);
    await stack.waitForIdle({ timeoutMs: 600_000 });
    onStack = seconds(started);
    const { deps } = composeCycleDeps({ project, baselineSpec, ...local, env: {}, source: 'bench', emit });
    stackOutcome = (await loadCycleState(deps, 'household-c001'))?.outcome?.status ?? 'none';
    local.close();
  } finally {
    await stack.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
  return {
    name: 'stack-cycle',
    ratio: inProcess / onStack,
    target: 0.5,
    unit: 'in-process cycle seconds ÷ local-stack cycle seconds (upload to idle)',
    details: {
      inProcessSeconds: inProcess,
      stackSeconds: onStack,
      slowdown: onStack / inProcess,
      inProcessOutcome,
      stackOutcome,
    },
  };
}
