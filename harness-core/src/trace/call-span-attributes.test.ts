import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readOtlpText, readTraceFile } from './otlp-reader.ts';
import type { OtlpAnyValue, OtlpSpan } from './otlp-types.ts';
import { trajectoriesToOtlp, trajectoryToSpans } from './otlp-writer.ts';
import { withAssignedSpanIds } from './span-ids.ts';
import { createSyntheticTrajectories } from './synthetic-trajectories.ts';
import { FIXTURES, VALIDATOR, VALIDATOR_PRESENT } from './test-support/trace-fixtures.ts';
import type { Trajectory } from './trajectory.ts';

const VENDOR_FIXTURE = join(FIXTURES, 'foreign-vendor-attributes.otlp.json');

function attribute(span: OtlpSpan | undefined, key: string): OtlpAnyValue | undefined {
  return span?.attributes.find((entry) => entry.key === key)?.value;
}

function oneTrajectory(): Trajectory {
  const [trajectory] = createSyntheticTrajectories({ episodes: 1, turnsPerEpisode: 1 });
  if (trajectory === undefined) throw new Error('no trajectory');
  return trajectory;
}

describe('attributes of model and tool spans we do not map', () => {
  it('are kept in the records of a foreign trace, without the keys the reader maps', async () => {
    const { trajectories, unmapped } = await readTraceFile(VENDOR_FIXTURE);
    expect(unmapped).toEqual([]);
    const [first, second] = trajectories[0]?.turns ?? [];
    expect(first?.modelCall.operationName).toBeUndefined();
    expect(first?.modelCall.extraAttributes).toEqual({
      'llm.vendor.request_id': 'req_9f2c41',
      'langfuse.observation.id': 'obs-chat-1',
      'langfuse.observation.metadata': { env: 'staging', attempt: 2 },
      'gen_ai.request.temperature': 0.2,
      'gen_ai.response.id': 'chatcmpl-77',
      'gen_ai.usage.cache_read.input_tokens': 64,
      'llm.vendor.tags': ['vip', 'dinner'],
    });
    expect(first?.toolCalls[0]).toMatchObject({
      name: 'book_table',
      result: '{"confirmed":true}',
      extraAttributes: {
        'gen_ai.tool.type': 'extension',
        'gen_ai.tool.description': 'Books a restaurant table',
        'langfuse.observation.id': 'obs-tool-1',
        'llm.vendor.request_id': 'req_tool_33',
        'llm.vendor.latency_ms': 400,
      },
    });
    // A text_completion span keeps its operation; its legacy prompt keys are content, not extras.
    expect(second?.modelCall).toMatchObject({
      operationName: 'text_completion',
      provider: 'openai',
      inputMessages: [{ role: 'user', content: 'Confirm the booking in one sentence:' }],
      output: { text: 'Your table for two is booked.' },
      usage: { inputTokens: 30, outputTokens: 9 },
      extraAttributes: { 'llm.vendor.request_id': 'req_cmpl_12', 'langfuse.observation.id': 'obs-cmpl-1' },
    });
  });

  it('survive a write and a read back, on the same spans', async () => {
    const first = await readTraceFile(VENDOR_FIXTURE);
    // The streaming reader keeps them too.
    expect((await readTraceFile(VENDOR_FIXTURE, { streamThresholdBytes: 1 })).trajectories).toEqual(
      first.trajectories,
    );
    const request = trajectoriesToOtlp(first.trajectories);
    const spans = request.resourceSpans[0]?.scopeSpans[0]?.spans ?? [];
    const chat = spans.find((span) => span.spanId === '5000000000000002');
    const tool = spans.find((span) => span.spanId === '5000000000000003');
    const completion = spans.find((span) => span.spanId === '5000000000000004');
    expect(attribute(chat, 'llm.vendor.request_id')).toEqual({ stringValue: 'req_9f2c41' });
    expect(attribute(chat, 'langfuse.observation.id')).toEqual({ stringValue: 'obs-chat-1' });
    expect(attribute(tool, 'langfuse.observation.id')).toEqual({ stringValue: 'obs-tool-1' });
    expect(attribute(tool, 'gen_ai.tool.type')).toEqual({ stringValue: 'extension' });
    expect(completion?.name).toBe('text_completion gpt-3.5-turbo-instruct');
    expect(attribute(completion, 'gen_ai.operation.name')).toEqual({ stringValue: 'text_completion' });
    const second = readOtlpText(JSON.stringify(request), 'rewritten');
    expect(second.unmapped).toEqual([]);
    expect(second.trajectories).toEqual(first.trajectories);
  });

  it('are left out of records whose spans carry only what we map, as our own writer writes them', () => {
    const trajectory = oneTrajectory();
    trajectory.provider = 'aws.bedrock';
    for (const turn of trajectory.turns) turn.modelCall.provider = 'aws.bedrock';
    const [read] = readOtlpText(JSON.stringify(trajectoriesToOtlp([trajectory])), 'own').trajectories;
    expect(read).toEqual(withAssignedSpanIds(trajectory));
    const [turn] = read?.turns ?? [];
    expect(turn?.modelCall).not.toHaveProperty('extraAttributes');
    expect(turn?.modelCall).not.toHaveProperty('operationName');
    expect(turn?.toolCalls[0]).not.toHaveProperty('extraAttributes');
  });

  it('let a record override a default the writer fills in (tool type, Bedrock guardrail)', () => {
    const trajectory = oneTrajectory();
    const turn = trajectory.turns[0];
    const call = turn?.toolCalls[0];
    if (turn === undefined || call === undefined) throw new Error('no tool call');
    turn.modelCall.provider = 'aws.bedrock';
    turn.modelCall.extraAttributes = { 'aws.bedrock.guardrail.id': 'gr-7' };
    call.extraAttributes = { 'gen_ai.tool.type': 'datastore' };
    const [, chat, tool] = trajectoryToSpans(trajectory);
    expect(attribute(chat, 'aws.bedrock.guardrail.id')).toEqual({ stringValue: 'gr-7' });
    expect(attribute(tool, 'gen_ai.tool.type')).toEqual({ stringValue: 'datastore' });
    delete turn.modelCall.extraAttributes;
    delete call.extraAttributes;
    const [, plainChat, plainTool] = trajectoryToSpans(trajectory);
    expect(attribute(plainChat, 'aws.bedrock.guardrail.id')).toEqual({ stringValue: '' });
    expect(attribute(plainTool, 'gen_ai.tool.type')).toEqual({ stringValue: 'function' });
  });

  it('never let extras override mapped keys or bring content back when content recording is off', () => {
    const trajectory = oneTrajectory();
    const turn = trajectory.turns[0];
    const call = turn?.toolCalls[0];
    if (turn === undefined || call === undefined) throw new Error('no tool call');
    turn.modelCall.extraAttributes = {
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.input.messages': '[{"role":"user","parts":[]}]',
      'app.region': 'eu',
    };
    call.extraAttributes = { 'gen_ai.tool.call.result': 'secret result', 'app.region': 'eu' };
    const [, chat, tool] = trajectoryToSpans(trajectory, false);
    expect(attribute(chat, 'gen_ai.operation.name')).toEqual({ stringValue: 'chat' });
    expect(attribute(chat, 'gen_ai.input.messages')).toBeUndefined();
    expect(attribute(chat, 'app.region')).toEqual({ stringValue: 'eu' });
    expect(attribute(tool, 'gen_ai.tool.call.result')).toBeUndefined();
    expect(attribute(tool, 'app.region')).toEqual({ stringValue: 'eu' });
  });

  it('are redacted like the rest of the record', () => {
    const trajectory = oneTrajectory();
    const turn = trajectory.turns[0];
    if (turn === undefined) throw new Error('no turn');
    turn.modelCall.extraAttributes = { 'llm.vendor.note': 'key AKIAIOSFODNN7EXAMPLE' };
    turn.modelCall.operationName = 'generate_content';
    const text = JSON.stringify(trajectoriesToOtlp([trajectory]));
    expect(text).not.toContain('AKIAIOSFODNN7EXAMPLE');
    const [read] = readOtlpText(text, 'redacted').trajectories;
    expect(read?.turns[0]?.modelCall.extraAttributes).toEqual({ 'llm.vendor.note': 'key [REDACTED]' });
    expect(read?.turns[0]?.modelCall.operationName).toBe('generate_content');
  });
});

describe.skipIf(!VALIDATOR_PRESENT)('a foreign trace with vendor attributes, rewritten by our writer', () => {
  it('passes the semantic-conventions validator with 0 errors', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'harnessx-vendor-'));
    try {
      const { trajectories } = await readTraceFile(VENDOR_FIXTURE);
      const path = join(directory, 'vendor.otlp.json');
      await writeFile(path, JSON.stringify(trajectoriesToOtlp(trajectories)));
      // execFile rejects on a non-zero exit status, so resolving means the validator exited 0.
      const { stdout } = await promisify(execFile)(process.execPath, [VALIDATOR, path]);
      expect(stdout).toMatch(/SEMCONV: 4 spans checked, 0 errors/);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
