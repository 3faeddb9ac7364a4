import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortedError, InputError } from '../../errors.ts';
import { writeTraceFile } from '../../trace/index.ts';
import { type Digest, failedTrajectoriesOf } from '../artifacts/digest.ts';
import { digestTraceFiles } from './digest-trace-files.ts';
import { digestTrajectories } from './digest-trajectories.ts';
import { buildTrajectory, steps, toolStep } from './test-support/trajectory-builder.ts';

const options = {
  cycleId: 'household-c001',
  harnessContentId: `sha256:${'b'.repeat(64)}`,
  successfulTrajectories: 'list' as const,
};
const TRACE_FIXTURES = fileURLToPath(new URL('../../trace/fixtures/', import.meta.url));

const trajectories = [
  buildTrajectory({ taskId: 't-1', outcome: 'success', turns: [[steps.look()], [steps.finish()]] }),
  buildTrajectory({
    taskId: 't-2',
    outcome: 'failure',
    turns: [[steps.look()], [steps.nothing('put', { object: 'mug 1' })], [steps.finish()]],
    events: [
      { name: 'processor-error', turn: 1, attributes: { 'processor.id': 'goal-pin', hook: 'turnStart' } },
    ],
  }),
  buildTrajectory({
    taskId: 't-3',
    outcome: 'budget-exhausted',
    success: false,
    turns: [[steps.badJson('take', '{x')], [steps.badJson('take', '{y')], [toolStep('look', {}, 'A room.')]],
    events: [{ name: 'budget-exhausted', turn: 3, attributes: { budget: 'tokens' } }],
  }),
];

/** What the analysers located, without the span ids the writer assigns, by trace. */
const located = (digest: Digest) =>
  failedTrajectoriesOf(digest)
    .map(({ taskId, failureClass, turn, tool, processor }) => ({
      taskId,
      failureClass,
      turn,
      tool,
      processor,
    }))
    .sort((a, b) => a.taskId.localeCompare(b.taskId));

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'harnessx-digest-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('digestTraceFiles', () => {
  it('locates the same failures as the in-memory digest, with span ids, and counts bytes read as tokens in', async () => {
    const path = join(directory, 'batch.otlp.json');
    await writeTraceFile(path, trajectories);
    const result = await digestTraceFiles([path], options);
    expect(located(result.digest)).toEqual(located(digestTrajectories(trajectories, options)));
    expect(located(result.digest)).toEqual([
      { taskId: 't-2', failureClass: 'processor-error', turn: 1, tool: undefined, processor: 'goal-pin' },
      { taskId: 't-3', failureClass: 'malformed-arguments', turn: 0, tool: 'take', processor: undefined },
    ]);
    const { size } = await stat(path);
    expect(result.bytesRead).toBe(size);
    expect(result.digest.tokens.in).toBe(Math.ceil(size / 4));
    const processorError = result.digest.clusters.find((c) => c.failureClass === 'processor-error');
    // One member: the cluster names its processor, the member does not repeat it.
    expect(processorError).toMatchObject({ id: 'processor-error', processor: 'goal-pin' });
    expect(processorError?.members[0]).not.toHaveProperty('processor');
    expect(processorError?.members[0]?.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(result.digest.successfulTrajectories?.map((entry) => entry.taskId)).toEqual(['t-1']);
    expect(result.skipped).toEqual([]);
  });

  it('streams files above the threshold and gives the same digest as the whole-file path', async () => {
    const path = join(directory, 'stream.otlp.json');
    await writeTraceFile(path, trajectories);
    const whole = await digestTraceFiles([path], options);
    const streamed = await digestTraceFiles([path], { ...options, streamThresholdBytes: 1 });
    expect(JSON.stringify(streamed.digest)).toBe(JSON.stringify(whole.digest));
  });

  it('counts the decompressed bytes of a gzip file and sums a batch of files', async () => {
    const plain = join(directory, 'plain.otlp.json');
    const gzip = join(directory, 'packed.otlp.json.gz');
    await writeTraceFile(plain, trajectories);
    await writeTraceFile(gzip, trajectories);
    const plainSize = (await stat(plain)).size;
    expect((await stat(gzip)).size).toBeLessThan(plainSize);
    const result = await digestTraceFiles([plain, gzip], options);
    expect(result.bytesRead).toBe(2 * plainSize);
    expect(result.digest.episodes).toBe(6);
  });

  it('reports what a damaged file lost, by file, and digests what it kept', async () => {
    const file = join(TRACE_FIXTURES, 'corrupt-truncated.otlp.json');
    const result = await digestTraceFiles([file], options);
    expect(result.digest.episodes).toBeGreaterThan(0);
    expect(result.skipped.length).toBeGreaterThan(0);
    expect(result.skipped[0]?.file).toBe(file);
  });

  it('rejects a missing file, an empty list and bad options with an InputError', async () => {
    const missing = join(directory, 'missing.otlp.json');
    await expect(digestTraceFiles([missing], options)).rejects.toMatchObject({ source: missing });
    await expect(digestTraceFiles([], options)).rejects.toBeInstanceOf(InputError);
    const path = join(directory, 'ok.otlp.json');
    await writeFile(path, '{"resourceSpans":[]}');
    await expect(digestTraceFiles([path], { ...options, cycleId: '' })).rejects.toBeInstanceOf(InputError);
    await expect(digestTraceFiles([path], { ...options, streamThresholdBytes: -1 })).rejects.toBeInstanceOf(
      InputError,
    );
  });

  it('stops between files when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const path = join(directory, 'aborted.otlp.json');
    await writeTraceFile(path, trajectories);
    await expect(digestTraceFiles([path], { ...options, signal: controller.signal })).rejects.toBeInstanceOf(
      AbortedError,
    );
  });
});
