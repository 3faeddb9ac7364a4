/**
 * trace-ingest: an uploaded trace file is validated, recorded against its project (the second
 * segment of `traces/<project>/…`), and counted toward the project's trigger; when the trigger is
 * met and no cycle runs for the project, a cycle starts. A file that is not a valid trace, or that
 * names no registered project, gets an error record with its reason.
 */
import { createHash } from 'node:crypto';
import { InputError } from '../../errors.ts';
import { canonicalJson } from '../../harness/canonical.ts';
import { readTraceBytes } from '../../trace/otlp-reader.ts';
import { inboxPrefix, maybeStartCycle, pendingCounter } from './cycle-start.ts';
import { writeErrorRecord } from './error-records.ts';
import type { DistributedFoundry, StageRunOptions } from './foundry.ts';
import { loadRegisteredProject } from './project-registration.ts';

export type IngestOutcome =
  | { status: 'recorded'; project: string; key: string; pendingTraces: number; startedCycle?: string }
  | { status: 'duplicate'; project: string; key: string }
  | { status: 'rejected'; key: string; reason: string; errorRecord: string }
  | { status: 'ignored'; key: string; reason: string };

const TRACE_KEY = /^traces\/([a-z0-9][a-z0-9-]{0,39})\/.+/;

export async function ingestTraceObject(
  foundry: DistributedFoundry,
  object: { key: string },
  _options: StageRunOptions = {},
): Promise<IngestOutcome> {
  const { key } = object;
  const match = TRACE_KEY.exec(key);
  if (!match?.[1]) return { status: 'ignored', key, reason: 'not under traces/<project>/' };
  const projectName = match[1];
  const reject = async (error: unknown, body = ''): Promise<IngestOutcome> => {
    const errorRecord = await writeErrorRecord(foundry.store, 'traces', { source: `s3:${key}`, body, error });
    return { status: 'rejected', key, reason: (error as Error).message, errorRecord };
  };
  const project = await loadRegisteredProject(foundry.store, projectName);
  if (!project) {
    return reject(
      new InputError('trace upload', `s3:${key}`, [
        {
          path: 'key',
          message: `no project "${projectName}" is registered (projects/${projectName}/project.json)`,
        },
      ]),
    );
  }
  const bytes = await foundry.store.get(key);
  if (bytes === undefined) return { status: 'ignored', key, reason: 'the object is gone' };
  let trajectories: number;
  try {
    trajectories = readTraceBytes(bytes, `s3:${key}`).trajectories.length;
  } catch (error) {
    if (error instanceof InputError)
      return reject(error, Buffer.from(bytes.subarray(0, 4096)).toString('utf8'));
    throw error;
  }
  if (trajectories === 0) {
    return reject(
      new InputError('trace upload', `s3:${key}`, [
        { path: '', message: 'the file holds no agent trajectory' },
      ]),
    );
  }
  // The inbox entry comes first: a crash after it and before the count leaves the trace waiting, not lost.
  const entryKey = `${inboxPrefix(projectName)}${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`;
  await foundry.store.putImmutable(entryKey, canonicalJson({ traceKey: key }));
  if (!(await foundry.registry.recordOnce(`trace:${key}`, entryKey))) {
    return { status: 'duplicate', project: projectName, key };
  }
  const pendingTraces = await foundry.registry.increment(pendingCounter(projectName));
  const startedCycle = await maybeStartCycle(foundry, project.config, project.baselineSpec);
  return {
    status: 'recorded',
    project: projectName,
    key,
    pendingTraces,
    ...(startedCycle ? { startedCycle } : {}),
  };
}
