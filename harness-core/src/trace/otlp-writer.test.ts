import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OtlpAnyValue, OtlpSpan } from './otlp-types.ts';
import { trajectoriesToOtlp, trajectoryToSpans } from './otlp-writer.ts';
import { createSyntheticTrajectories } from './synthetic-trajectories.ts';
import { realisticBatch, VALIDATOR, VALIDATOR_PRESENT } from './test-support/trace-fixtures.ts';

const run = promisify(execFile);

function attribute(span: OtlpSpan, key: string): OtlpAnyValue | undefined {
  return span.attributes.find((entry) => entry.key === key)?.value;
}

function spans(): OtlpSpan[] {
  return trajectoriesToOtlp(realisticBatch()).resourceSpans[0]?.scopeSpans[0]?.spans ?? [];
}

describe('trajectoriesToOtlp', () => {
  it('writes one resource and scope, and invoke_agent, chat and execute_tool spans per episode', () => {
    const request = trajectoriesToOtlp(realisticBatch(), { serviceName: 'household-run' });
    const resource = request.resourceSpans[0];
    expect(resource?.resource.attributes).toEqual([
      { key: 'service.name', value: { stringValue: 'household-run' } },
    ]);
    expect(resource?.scopeSpans[0]?.scope.name).toBe('@harnessx/core');
    const all = resource?.scopeSpans[0]?.spans ?? [];
    expect(all.filter((span) => span.name === 'invoke_agent household-agent')).toHaveLength(5);
    expect(all.filter((span) => span.name.startsWith('chat '))).toHaveLength(15);
    expect(all.filter((span) => span.name.startsWith('execute_tool '))).toHaveLength(14);
  });

  it('uses hex ids, string timestamps, numeric kinds and parent links', () => {
    for (const span of spans()) {
      expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(span.startTimeUnixNano).toMatch(/^\d{19}$/);
      expect(typeof span.kind).toBe('number');
    }
    const [agent, chat, tool] = trajectoryToSpans(
      createSyntheticTrajectories({ episodes: 1, turnsPerEpisode: 1 })[0]!,
    );
    expect(agent?.parentSpanId).toBeUndefined();
    expect(agent?.kind).toBe(1);
    expect(chat?.kind).toBe(3);
    expect(chat?.parentSpanId).toBe(agent?.spanId);
    expect(tool?.kind).toBe(1);
    expect(tool?.parentSpanId).toBe(agent?.spanId);
  });

  it('derives span ids deterministically when the records have none', () => {
    const [trajectory] = createSyntheticTrajectories({ episodes: 1, turnsPerEpisode: 3 });
    const first = trajectoryToSpans(trajectory!).map((span) => span.spanId);
    const second = trajectoryToSpans(structuredClone(trajectory!)).map((span) => span.spanId);
    expect(first).toEqual(second);
    expect(new Set(first).size).toBe(first.length);
  });

  it('writes the episode attributes, usage and the verifier score event', () => {
    const [agent] = spans();
    if (agent === undefined) throw new Error('no span');
    expect(attribute(agent, 'gen_ai.operation.name')).toEqual({ stringValue: 'invoke_agent' });
    expect(attribute(agent, 'gen_ai.provider.name')).toEqual({ stringValue: 'openai' });
    expect(attribute(agent, 'gen_ai.usage.input_tokens')).toEqual({ intValue: '540' });
    expect(attribute(agent, 'harnessx.task.id')).toEqual({ stringValue: 'household-000' });
    expect(attribute(agent, 'harnessx.episode.seed')).toEqual({ intValue: '0' });
    expect(attribute(agent, 'harnessx.harness.id')).toMatchObject({
      stringValue: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const evaluation = agent.events?.find((event) => event.name === 'gen_ai.evaluation.result');
    expect(evaluation?.attributes).toEqual([
      { key: 'gen_ai.evaluation.name', value: { stringValue: 'harnessx.task_verifier' } },
      { key: 'gen_ai.evaluation.score.value', value: { doubleValue: expect.any(Number) } },
      {
        key: 'gen_ai.evaluation.score.label',
        value: { stringValue: expect.stringMatching(/^(pass|fail)$/) },
      },
    ]);
    const processorEvent = agent.events?.find((event) => event.name === 'processor-applied');
    expect(processorEvent?.attributes.map((entry) => entry.key)).toEqual([
      'harnessx.turn.index',
      'harnessx.processorId',
      'harnessx.hook',
      'harnessx.changed',
    ]);
  });

  it('marks unsuccessful episodes and failed calls with status ERROR and error.type, success with no status', () => {
    const all = spans();
    const agents = all.filter((span) => span.name.startsWith('invoke_agent'));
    const outcomes = agents.map((span) => [
      (attribute(span, 'harnessx.episode.outcome') as { stringValue: string }).stringValue,
      span.status.code,
      attribute(span, 'error.type'),
    ]);
    for (const [outcome, code, errorType] of outcomes) {
      if (outcome === 'success') expect([code, errorType]).toEqual([undefined, undefined]);
      else expect([code, errorType]).toEqual([2, expect.anything()]);
    }
    const aborted = agents.find((span) => {
      const outcome = attribute(span, 'harnessx.episode.outcome');
      return outcome !== undefined && 'stringValue' in outcome && outcome.stringValue === 'aborted';
    });
    expect(aborted?.status).toEqual({ code: 2, message: 'the operation was aborted' });
    expect(aborted?.events?.find((event) => event.name === 'exception')?.attributes).toEqual([
      { key: 'exception.type', value: { stringValue: 'ABORTED' } },
      { key: 'exception.message', value: { stringValue: 'the operation was aborted' } },
    ]);
    const failedChat = all.find((span) => span.name.startsWith('chat') && span.status.code === 2);
    expect(attribute(failedChat!, 'error.type')).toEqual({ stringValue: 'TransientError' });
    expect(attribute(failedChat!, 'gen_ai.output.messages')).toBeUndefined();
    const failedTool = all.find((span) => span.name.startsWith('execute_tool') && span.status.code === 2);
    expect(attribute(failedTool!, 'error.type')).toEqual({ stringValue: 'tool_timeout' });
  });

  it('writes messages in the v1.41 parts form with finish reasons and tool definitions', () => {
    const chat = spans().find((span) => span.name.startsWith('chat'));
    if (chat === undefined) throw new Error('no chat span');
    const input = JSON.parse(
      (attribute(chat, 'gen_ai.input.messages') as { stringValue: string }).stringValue,
    );
    expect(input[0]).toEqual({ role: 'system', parts: [{ type: 'text', content: expect.any(String) }] });
    const output = JSON.parse(
      (attribute(chat, 'gen_ai.output.messages') as { stringValue: string }).stringValue,
    );
    expect(output[0]).toMatchObject({ role: 'assistant', finish_reason: 'tool_call' });
    expect(output[0].parts).toContainEqual({
      type: 'tool_call',
      id: 'call_0_0',
      name: 'go_to',
      arguments: expect.any(Object),
    });
    expect(attribute(chat, 'gen_ai.response.finish_reasons')).toEqual({
      arrayValue: { values: [{ stringValue: 'tool_call' }] },
    });
    const tools = JSON.parse(
      (attribute(chat, 'gen_ai.tool.definitions') as { stringValue: string }).stringValue,
    );
    expect(tools[0]).toMatchObject({ type: 'function', name: 'go_to' });
    expect(attribute(chat, 'harnessx.turn.index')).toEqual({ intValue: '0' });
  });

  it('leaves content out when recordContent is false', () => {
    const request = trajectoriesToOtlp(realisticBatch(), { recordContent: false });
    const keys = new Set(
      request.resourceSpans[0]?.scopeSpans[0]?.spans.flatMap((span) => span.attributes.map((a) => a.key)),
    );
    for (const key of [
      'gen_ai.input.messages',
      'gen_ai.output.messages',
      'gen_ai.tool.definitions',
      'gen_ai.tool.call.arguments',
      'gen_ai.tool.call.result',
    ]) {
      expect(keys.has(key)).toBe(false);
    }
    expect(keys.has('gen_ai.usage.input_tokens')).toBe(true);
  });

  it('redacts by default and can be told not to', () => {
    expect(JSON.stringify(trajectoriesToOtlp(realisticBatch()))).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(JSON.stringify(trajectoriesToOtlp(realisticBatch(), { redactor: false }))).toContain(
      'AKIAIOSFODNN7EXAMPLE',
    );
  });

  it('writes extra attributes back without overriding its own keys', () => {
    const [trajectory] = createSyntheticTrajectories({ episodes: 1, turnsPerEpisode: 1 });
    trajectory!.extraAttributes = { 'gen_ai.operation.name': 'other', 'app.region': 'eu' };
    const [agent] = trajectoryToSpans(trajectory!);
    expect(attribute(agent!, 'gen_ai.operation.name')).toEqual({ stringValue: 'invoke_agent' });
    expect(attribute(agent!, 'app.region')).toEqual({ stringValue: 'eu' });
  });
});

describe.skipIf(!VALIDATOR_PRESENT)('the official GenAI semantic-conventions validator', () => {
  let directory = '';
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'harnessx-semconv-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('finds 0 errors in a realistic multi-episode trace with failures', async () => {
    const path = join(directory, 'batch.otlp.json');
    await writeFile(path, JSON.stringify(trajectoriesToOtlp(realisticBatch())));
    // execFile rejects on a non-zero exit status, so resolving means the validator exited 0.
    const { stdout } = await run(process.execPath, [VALIDATOR, path]);
    expect(stdout).toMatch(/SEMCONV: 34 spans checked, 0 errors, \d+ warnings/);
  });

  it('finds 0 errors with text_completion and generate_content calls and vendor attributes', async () => {
    const batch = realisticBatch();
    for (const trajectory of batch) {
      trajectory.turns.forEach((turn, position) => {
        if (position === 1) turn.modelCall.operationName = 'text_completion';
        if (position === 2) turn.modelCall.operationName = 'generate_content';
        turn.modelCall.extraAttributes = {
          'llm.vendor.request_id': `req_${position}`,
          'gen_ai.request.temperature': 0.2,
        };
        for (const call of turn.toolCalls) call.extraAttributes = { 'langfuse.observation.id': 'obs-1' };
      });
    }
    const path = join(directory, 'operations.otlp.json');
    await writeFile(path, JSON.stringify(trajectoriesToOtlp(batch)));
    const { stdout } = await run(process.execPath, [VALIDATOR, path]);
    expect(stdout).toMatch(/SEMCONV: 34 spans checked, 0 errors/);
    expect(await readFile(path, 'utf8')).toContain('"name":"text_completion ');
  });

  it('finds 0 errors with content recording off', async () => {
    const path = join(directory, 'no-content.otlp.json');
    await writeFile(path, JSON.stringify(trajectoriesToOtlp(realisticBatch(), { recordContent: false })));
    const { stdout } = await run(process.execPath, [VALIDATOR, path]);
    expect(stdout).toContain(' 0 errors');
  });
});

if (!VALIDATOR_PRESENT) {
  console.warn(`skipping the semantic-conventions validator tests: ${VALIDATOR} does not exist`);
}
