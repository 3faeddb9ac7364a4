/**
 * `harnessx stack status`: whether the stack runs, its endpoints, each stage queue's visible and
 * in-flight messages with its dead-letter depth, and the current version of each registered
 * project. Exit 0 when it runs, 1 when it does not.
 */
import type { StackState } from '../adapters/aws/local-stack/stack-state.ts';
import { loadRegisteredProject } from '../aegis/distributed/project-registration.ts';
import type { CliIo } from './io.ts';

async function projectLines(state: StackState): Promise<string[]> {
  const { openLocalFoundry } = await import('../adapters/aws/local-stack/local-foundry.ts');
  const foundry = openLocalFoundry(state);
  try {
    const keys = await foundry.store.list('projects/');
    const names = keys.filter((key) => key.endsWith('/project.json')).map((key) => key.split('/')[1] ?? '');
    if (names.length === 0) return ['  (none; harnessx stack up --project FILE registers one)'];
    const lines: string[] = [];
    for (const name of names) {
      const project = await loadRegisteredProject(foundry.store, name);
      const harness = project?.baselineSpec.name ?? '?';
      const current = project ? await foundry.registry.getCurrent(harness) : undefined;
      lines.push(
        current
          ? `  ${name.padEnd(20)} harness ${harness}, current ${current.contentId} (v${current.version}, ${current.updatedAt})`
          : `  ${name.padEnd(20)} harness ${harness}, no current version`,
      );
    }
    return lines;
  } finally {
    foundry.close();
  }
}

export async function stackStatus(io: CliIo, stateDir: string): Promise<number> {
  const { isProcessAlive, readStackState, readStackQueueDepths } = await import(
    '../adapters/aws/local-stack/index.ts'
  );
  const state = await readStackState(stateDir);
  if (!state) {
    io.stdout.write(`local stack: not running (no state in ${stateDir})\n`);
    return 1;
  }
  if (!isProcessAlive(state.pid)) {
    io.stdout.write(
      `local stack: not running (stale state of pid ${state.pid}; harnessx stack down removes it)\n`,
    );
    return 1;
  }
  const out: string[] = [
    `local stack: running (pid ${state.pid}, since ${state.startedAt})`,
    `  S3 + SQS   ${state.endpoints.s3}`,
    `  DynamoDB   ${state.endpoints.dynamodb}`,
    `  bucket     ${state.bucket}`,
    `  log        ${state.logFile}`,
    '',
    `  ${'queue'.padEnd(10)} ${'visible'.padStart(8)} ${'in flight'.padStart(10)} ${'dead letters'.padStart(13)}`,
  ];
  try {
    for (const { queue, depth, deadLetters } of await readStackQueueDepths(state)) {
      out.push(
        `  ${queue.padEnd(10)} ${String(depth.visible + depth.delayed).padStart(8)} ${String(depth.inFlight).padStart(10)} ${String(deadLetters).padStart(13)}`,
      );
    }
  } catch (error) {
    out.push(`  (queues unavailable: ${(error as Error).message})`);
  }
  out.push('', 'projects:');
  try {
    out.push(...(await projectLines(state)));
  } catch (error) {
    out.push(`  (unavailable: ${(error as Error).message})`);
  }
  io.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
