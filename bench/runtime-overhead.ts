/**
 * Runtime overhead: episodes per second through `runEpisode` with 10 built-in processors versus a
 * bare loop that makes the same model calls and tool steps with no hooks and no recording.
 * The model answers instantly, so the ratio measures the harness machinery alone.
 */
import type { EpisodeEnvironment, TaskSpec } from '../harness-core/src/environments/environment.ts';
import { harnessContentId } from '../harness-core/src/harness/canonical.ts';
import { parseHarnessSpec } from '../harness-core/src/harness/spec.ts';
import { createBuiltinRegistry } from '../harness-core/src/processors/index.ts';
import {
  type ChatMessage,
  estimateTokens,
  type GenerateRequest,
  type GenerateResult,
  type ModelV1,
} from '../harness-core/src/providers/model.ts';
import { runEpisode } from '../harness-core/src/runtime/run-episode.ts';
import { type BenchResult, bestOf } from './bench-result.ts';

const TURNS = 20;
const EPISODES = 200;

/**
 * Zero-latency model double: no network and no inference, but it does the least any model
 * adapter does with a request — serialise it to its wire form and count the prompt tokens — so
 * that both loops pay the same, realistic per-call price. It walks through `TURNS` tool calls.
 */
class InstantModel implements ModelV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider = 'bench';
  readonly modelId = 'instant';
  async doGenerate(request: GenerateRequest): Promise<GenerateResult> {
    const wire = JSON.stringify({ model: this.modelId, messages: request.messages, tools: request.tools });
    const step = request.messages.filter((m) => m.role === 'tool').length;
    const name = step >= TURNS ? 'finish' : 'go_to';
    return {
      text: '',
      toolCalls: [{ id: `c${step}`, name, arguments: JSON.stringify({ target: `shelf ${step % 5}` }) }],
      finishReason: 'tool_call',
      usage: { inputTokens: estimateTokens(wire), outputTokens: 10 },
    };
  }
}

function benchEnvironment(): EpisodeEnvironment {
  const env = {
    done: false,
    tools: [
      {
        name: 'go_to',
        description: 'go somewhere',
        parameters: { type: 'object', properties: { target: { type: 'string' } }, required: ['target'] },
      },
      { name: 'finish', description: 'finish', parameters: { type: 'object', properties: {} } },
    ],
    async step(call: { name: string; arguments: unknown }) {
      if (call.name === 'finish') env.done = true;
      return {
        content: `You arrive at ${(call.arguments as { target?: string }).target ?? 'nowhere'}.`,
        isError: false,
      };
    },
    score: () => ({ success: env.done, reward: env.done ? 1 : 0 }),
  };
  return env;
}

const task: TaskSpec = {
  id: 'bench',
  suite: 'bench',
  split: 'heldout',
  instruction: 'Your task is to: go.',
  difficulty: 1,
};

async function bareLoop(model: ModelV1): Promise<void> {
  const env = benchEnvironment();
  const messages: ChatMessage[] = [
    { role: 'system', content: 'system' },
    { role: 'user', content: task.instruction },
  ];
  for (let turn = 0; turn < 30 && !env.done; turn++) {
    const result = await model.doGenerate({ messages, tools: env.tools });
    messages.push({ role: 'assistant', content: result.text, toolCalls: result.toolCalls });
    for (const call of result.toolCalls) {
      const out = await env.step({ name: call.name, arguments: JSON.parse(call.arguments) });
      messages.push({ role: 'tool', toolCallId: call.id, name: call.name, content: out.content });
    }
  }
}

export async function run(): Promise<BenchResult> {
  const model = new InstantModel();
  const processorIds = [
    'goal-pin',
    'plan-first',
    'context-compaction',
    'state-tracker-memory',
    'tool-argument-repair',
    'failure-reflection',
    'loop-guard',
    'verify-before-finish',
    'tool-result-truncation',
    'turn-observer',
  ];
  const harness = parseHarnessSpec({
    schemaVersion: 'harnessx.harness/1',
    name: 'bench',
    models: { worker: { provider: 'bench', model: 'instant' } },
    processors: processorIds.map((id) => ({ id })),
  });
  const processors = createBuiltinRegistry().resolve(harness.processors);
  // Computed once per run, as runSuite does.
  const contentId = harnessContentId(harness);
  const throughput = async (episode: () => Promise<void>) => {
    const start = performance.now();
    for (let i = 0; i < EPISODES; i++) await episode();
    return EPISODES / ((performance.now() - start) / 1000);
  };
  const bare = await bestOf(3, () => throughput(() => bareLoop(model)));
  const ours = await bestOf(3, () =>
    throughput(async () => {
      await runEpisode({
        harness,
        harnessContentId: contentId,
        processors,
        environment: benchEnvironment(),
        task,
        model,
        seed: 1,
      });
    }),
  );
  return {
    name: 'runtime-overhead',
    ratio: ours / bare,
    target: 0.5,
    unit: 'episodes/s (10 processors) / episodes/s (bare loop)',
    details: {
      processors: processors.length,
      turnsPerEpisode: TURNS + 1,
      oursEpisodesPerSec: ours,
      bareEpisodesPerSec: bare,
    },
  };
}
