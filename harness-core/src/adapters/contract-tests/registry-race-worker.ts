/**
 * One racer of the registry contract's cross-process test, run by `runRegistryRace` in its own Node
 * process. Protocol over IPC: job → ready → go → result.
 */
import { pathToFileURL } from 'node:url';
import type { Registry } from '../../ports/registry.ts';
import type {
  RegistryRaceChildMessage,
  RegistryRaceJob,
  RegistryRaceParentMessage,
  RegistryRaceResult,
} from './registry-race.ts';

function send(message: RegistryRaceChildMessage): Promise<void> {
  return new Promise((resolve) => {
    process.send?.(message, undefined, undefined, () => resolve());
  });
}

async function openRegistry(job: RegistryRaceJob): Promise<Registry> {
  const module = (await import(pathToFileURL(job.opener.module).href)) as Record<string, unknown>;
  const open = module[job.opener.exportName];
  if (typeof open !== 'function')
    throw new Error(`${job.opener.module} has no function ${job.opener.exportName}`);
  return (await open(...job.opener.args)) as Registry;
}

async function race(registry: Registry, job: RegistryRaceJob): Promise<RegistryRaceResult> {
  const result: RegistryRaceResult = {
    workerId: job.workerId,
    transitions: [],
    casConflicts: 0,
    increments: [],
    recorded: [],
  };
  const moveThePointer = async () => {
    for (let move = 0; move < job.casMoves; move++) {
      const next = `${job.workerId}-${move}`;
      for (;;) {
        const from = (await registry.getCurrent(job.harnessName))?.contentId;
        if (await registry.compareAndSetCurrent(job.harnessName, from, next)) {
          result.transitions.push({ from: from ?? null, to: next });
          break;
        }
        result.casConflicts++;
      }
    }
  };
  const count = async () => {
    for (let index = 0; index < job.increments; index++)
      result.increments.push(await registry.increment(job.counter));
  };
  const record = async () => {
    for (const key of job.recordKeys) {
      if (await registry.recordOnce(key, job.workerId)) result.recorded.push(key);
    }
  };
  await Promise.all([moveThePointer(), count(), record()]);
  return result;
}

let registry: Registry | undefined;
let job: RegistryRaceJob | undefined;

process.on('message', (message: RegistryRaceParentMessage) => {
  void (async () => {
    try {
      if (message.type === 'job') {
        job = message.job;
        registry = await openRegistry(job);
        await send({ type: 'ready' });
      } else if (registry && job) {
        await send({ type: 'result', result: await race(registry, job) });
        process.disconnect();
      }
    } catch (error) {
      await send({
        type: 'error',
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
      process.exitCode = 1;
      process.disconnect();
    }
  })();
});
