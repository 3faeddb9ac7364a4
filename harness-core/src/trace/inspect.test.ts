import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTraceInspection, inspectTraceFiles } from './inspect.ts';
import { FIXTURES, realisticBatch } from './test-support/trace-fixtures.ts';
import { writeTraceFile } from './trace-file.ts';

describe('inspectTraceFiles', () => {
  let directory = '';
  let ours = '';

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'harnessx-inspect-'));
    ours = join(directory, 'ours.otlp.json.gz');
    await writeTraceFile(ours, realisticBatch());
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('summarises our own file: episodes, calls, tokens, models and failed calls', async () => {
    const inspection = await inspectTraceFiles([ours]);
    const batch = realisticBatch();
    expect(inspection.files).toEqual([{ path: ours, episodes: 5, skipped: [] }]);
    expect(inspection.episodes).toBe(5);
    expect(inspection.modelCalls).toBe(15);
    expect(inspection.toolCalls).toBe(14);
    expect(inspection.tokens).toEqual({
      input: batch.reduce((sum, trajectory) => sum + trajectory.usage.inputTokens, 0),
      output: batch.reduce((sum, trajectory) => sum + trajectory.usage.outputTokens, 0),
    });
    expect(inspection.models).toEqual(['anthropic.claude-3-5-haiku', 'gpt-4o-mini']);
    expect(inspection.errors.map((error) => error.type).sort()).toEqual([
      'ABORTED',
      'TransientError',
      'error',
      'tool_timeout',
      'tool_timeout',
    ]);
    expect(
      inspection.errors.every((error) => error.file === ours && /^[0-9a-f]{16}$/.test(error.spanId ?? '')),
    ).toBe(true);
  });

  it('reports unreadable files with their error, partly readable ones with what was skipped', async () => {
    const inspection = await inspectTraceFiles([
      join(FIXTURES, 'not-otlp.json'),
      join(FIXTURES, 'corrupt-lines.otlp.jsonl'),
      join(FIXTURES, 'foreign-http-span.otlp.json'),
    ]);
    const [unreadable, partial, foreign] = inspection.files;
    expect(unreadable).toMatchObject({ episodes: 0, error: expect.stringContaining('resourceSpans') });
    expect(partial).toMatchObject({
      episodes: 2,
      skipped: [{ path: 'line 2', reason: expect.stringContaining('JSON') }],
    });
    expect(foreign?.episodes).toBe(1);
    expect(inspection.unmapped).toEqual([
      expect.objectContaining({
        file: join(FIXTURES, 'foreign-http-span.otlp.json'),
        spanName: 'POST /v1/answer',
      }),
      expect.objectContaining({ spanName: 'embeddings mistral-embed' }),
      expect.objectContaining({ spanName: 'GET /healthz' }),
    ]);
    expect(inspection.episodes).toBe(3);
  });

  it('gives the same answer when files are streamed', async () => {
    const paths = [ours, join(FIXTURES, 'foreign-span-events.otlp.json')];
    expect(await inspectTraceFiles(paths, { streamThresholdBytes: 1 })).toEqual(
      await inspectTraceFiles(paths),
    );
  });

  it('formats a readable summary', async () => {
    const text = formatTraceInspection(
      await inspectTraceFiles([
        ours,
        join(FIXTURES, 'not-json.txt'),
        join(FIXTURES, 'foreign-http-span.otlp.json'),
      ]),
    );
    expect(text).toContain('3 files, 6 episodes, 16 model calls, 14 tool calls');
    expect(text).toContain('models: anthropic.claude-3-5-haiku, gpt-4o-mini, mistral-small');
    expect(text).toMatch(/not-json\.txt: UNREADABLE: invalid OTLP\/JSON trace/);
    expect(text).toContain('errors (5):');
    expect(text).toContain('unmapped spans (3):');
    expect(text).toContain('"POST /v1/answer": not a GenAI span');
  });
});
