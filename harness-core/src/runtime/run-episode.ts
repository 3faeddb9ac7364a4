/**
 * `runEpisode`: the agent loop. It runs one task of an environment under one harness: hooks,
 * model calls through `ModelV1`, tool calls through the environment, budgets, abort, token and
 * cost accounting, and a complete `Trajectory` for every episode, including failed and aborted ones.
 */
import { randomBytes } from 'node:crypto';
import type { EpisodeEnvironment, TaskSpec } from '../environments/environment.ts';
import { AbortedError } from '../errors.ts';
import { harnessContentId } from '../harness/canonical.ts';
import type { EpisodeView } from '../harness/hooks.ts';
import type { ResolvedProcessor } from '../harness/registry.ts';
import type { HarnessSpec } from '../harness/spec.ts';
import type { ChatMessage, FinishReason, ModelV1, ToolCall, ToolDefinition } from '../providers/model.ts';
import type { EpisodeOutcome, Trajectory } from '../trace/trajectory.ts';
import { nowUnixNano } from './clock.ts';
import { describeFailure, type LoopEnd, safeScore, scoreArgs, throwIfAborted } from './episode-helpers.ts';
import { EpisodeRecorder } from './episode-recorder.ts';
import { createEpisodeSignal } from './episode-signal.ts';
import { deepFreeze } from './freeze.ts';
import { HookRunner, type HookRunOutcome } from './hook-runner.ts';
import { parseModelResult } from './model-result.ts';
import {
  applyHistoryPatch,
  applyRequestPatch,
  applyTaskStartPatch,
  buildRequestMessages,
} from './patches.ts';
import { type ExecutedTool, executeToolCall } from './tool-executor.ts';

export interface RunEpisodeOptions {
  harness: HarnessSpec;
  /** Content id of `harness`; computed when absent. */
  harnessContentId?: string;
  processors: readonly ResolvedProcessor[];
  environment: EpisodeEnvironment;
  task: TaskSpec;
  model: ModelV1;
  /** Where `route: 'fallback'` request patches send a call. */
  fallbackModel?: ModelV1;
  seed: number;
  signal?: AbortSignal;
  /** Strict mode: a processor contract violation aborts the episode (outcome `error`). */
  strict?: boolean;
  traceId?: string;
}

export interface EpisodeResult {
  outcome: EpisodeOutcome;
  success: boolean;
  reward: number;
  usage: { inputTokens: number; outputTokens: number; costUsd: number; toolCalls: number; turns: number };
  trajectory: Trajectory;
}

/** Consecutive failed model calls after which the episode ends with outcome `error`. */
const MAX_CONSECUTIVE_MODEL_ERRORS = 3;

/**
 * Runs one episode and never throws for episode-level failures: they are the outcome.
 * @example
 * const env = suite.reset(task, 7);
 * const result = await runEpisode({ harness, processors: registry.resolve(harness.processors), environment: env, task, model, seed: 7 });
 */
export async function runEpisode(options: RunEpisodeOptions): Promise<EpisodeResult> {
  const { harness, environment, task, model, seed } = options;
  const budgets = harness.budgets;
  const episodeSignal = createEpisodeSignal(budgets.wallClockMs, options.signal);
  const signal = episodeSignal.signal;
  const recorder = new EpisodeRecorder({
    traceId: options.traceId ?? randomBytes(16).toString('hex'),
    agentName: harness.name,
    provider: model.provider,
    model: model.modelId,
    harness: { name: harness.name, contentId: options.harnessContentId ?? harnessContentId(harness) },
    taskId: task.id,
    suite: task.suite,
    split: task.split,
    seed,
  });
  const startedAt = performance.now();
  const hooks = new HookRunner(
    options.processors.map((processor) => ({ id: processor.id, hooks: processor.instantiate() })),
    { strict: options.strict ?? false, seed, signal, events: recorder },
  );
  const enabled = harness.slots.tools.enabled;
  const environmentTools = deepFreeze(structuredClone([...environment.tools]));
  const state = {
    systemPrompt: harness.slots.systemPrompt,
    tools:
      enabled === 'all' ? environmentTools : environmentTools.filter((tool) => enabled.includes(tool.name)),
  };
  let history: readonly ChatMessage[] = [];
  let turnIndex = 0;
  let lastModelError: { type: string; message: string } | undefined;
  let episodeError: { type: string; message: string } | undefined;

  const view = (): EpisodeView => ({
    task: { id: task.id, suite: task.suite, instruction: task.instruction },
    turn: turnIndex,
    seed,
    budgets,
    usage: {
      inputTokens: recorder.usage.inputTokens,
      outputTokens: recorder.usage.outputTokens,
      toolCalls: recorder.toolCallCount,
      turns: turnIndex,
      elapsedMs: performance.now() - startedAt,
    },
    messages: history,
    tools: state.tools,
    ...(lastModelError ? { lastModelError } : {}),
  });
  const append = (message: ChatMessage) => {
    history = Object.freeze([...history, deepFreeze(message)]);
  };
  const interrupted = (run: HookRunOutcome): LoopEnd | undefined => {
    if (!run.interrupted) return undefined;
    recorder.event('episode-interrupted', { 'processor.id': run.processorId, reason: run.reason });
    return 'interrupted';
  };
  const budgetExhausted = (budget: string): LoopEnd => {
    recorder.event('budget-exhausted', { budget });
    return 'budget-exhausted';
  };

  const runTurns = async (): Promise<LoopEnd> => {
    let consecutiveModelErrors = 0;
    for (;;) {
      throwIfAborted(signal);
      if (turnIndex >= budgets.maxTurns) return budgetExhausted('turns');
      if (recorder.usage.inputTokens + recorder.usage.outputTokens >= budgets.maxTokens)
        return budgetExhausted('tokens');
      recorder.setTurn(turnIndex);
      let run = await hooks.run(
        'turnStart',
        view,
        () => ({ messages: history }),
        (patch, id) => {
          history = applyHistoryPatch(patch, id, history);
          return 'transform';
        },
      );
      const end = interrupted(run);
      if (end) return end;

      const request = {
        messages: [...history],
        appended: [] as string[],
        route: 'primary' as 'primary' | 'fallback',
      };
      run = await hooks.run(
        'modelRequest',
        view,
        () => ({ messages: buildRequestMessages(request) }),
        (patch, id) => {
          applyRequestPatch(patch, id, request, history.length);
          return 'transform';
        },
      );
      const requestEnd = interrupted(run);
      if (requestEnd) return requestEnd;

      const chosen = request.route === 'fallback' && options.fallbackModel ? options.fallbackModel : model;
      const requestMessages = buildRequestMessages(request);
      const callStart = nowUnixNano();
      let raw: { text: string; toolCalls: ToolCall[]; finishReason: FinishReason };
      let usage = { inputTokens: 0, outputTokens: 0 };
      let costUsd: number | undefined;
      let responseModel: string | undefined;
      try {
        const result = parseModelResult(
          await chosen.doGenerate({
            messages: requestMessages,
            tools: state.tools,
            toolChoice: 'auto',
            seed,
            signal,
          }),
          `${chosen.provider}:${chosen.modelId}`,
        );
        raw = { text: result.text, toolCalls: result.toolCalls, finishReason: result.finishReason };
        usage = result.usage;
        costUsd = result.costUsd;
        responseModel = result.responseModel;
      } catch (error) {
        if (signal.aborted || error instanceof AbortedError) throw error;
        const failure = describeFailure(error);
        recorder.recordModelCall({
          provider: chosen.provider,
          model: chosen.modelId,
          inputMessages: requestMessages as ChatMessage[],
          tools: state.tools as ToolDefinition[],
          output: null,
          usage,
          error: failure,
          startTimeUnixNano: callStart,
          endTimeUnixNano: nowUnixNano(),
        });
        lastModelError = failure;
        consecutiveModelErrors += 1;
        await hooks.run(
          'turnEnd',
          view,
          () => ({ record: { text: '', toolCalls: [], modelError: failure } }),
          () => 'transform',
        );
        turnIndex += 1;
        if (consecutiveModelErrors >= MAX_CONSECUTIVE_MODEL_ERRORS) {
          episodeError = failure;
          return 'error';
        }
        continue;
      }
      throwIfAborted(signal);
      consecutiveModelErrors = 0;
      lastModelError = undefined;

      let response = { text: raw.text, toolCalls: raw.toolCalls, finishReason: raw.finishReason };
      run = await hooks.run(
        'modelResponse',
        view,
        () => ({ response }),
        (patch) => {
          response = {
            ...response,
            text: patch.text ?? response.text,
            toolCalls: patch.toolCalls ?? response.toolCalls,
          };
          return 'transform';
        },
      );
      const turn = recorder.recordModelCall({
        provider: chosen.provider,
        model: chosen.modelId,
        ...(responseModel ? { responseModel } : {}),
        inputMessages: requestMessages as ChatMessage[],
        tools: state.tools as ToolDefinition[],
        output: raw,
        usage,
        ...(costUsd === undefined ? {} : { costUsd }),
        startTimeUnixNano: callStart,
        endTimeUnixNano: nowUnixNano(),
      });
      const responseEnd = interrupted(run);
      if (responseEnd) return responseEnd;
      append({
        role: 'assistant',
        content: response.text,
        ...(response.toolCalls.length > 0
          ? { toolCalls: response.toolCalls.map((call) => ({ ...call })) }
          : {}),
      });

      const executed: { name: string; arguments: string; result: string; isError: boolean }[] = [];
      for (const call of response.toolCalls) {
        throwIfAborted(signal);
        if (recorder.toolCallCount >= budgets.maxToolCalls) return budgetExhausted('tool-calls');
        let current: ToolCall = call;
        let intercepted: { content: string; isError: boolean } | undefined;
        run = await hooks.run(
          'toolCall',
          view,
          () => ({ call: current, tool: state.tools.find((tool) => tool.name === current.name) }),
          (patch) => {
            if (patch.action === 'rewrite') {
              current = { ...current, arguments: patch.arguments };
              return 'transform';
            }
            intercepted = { content: patch.result, isError: patch.isError };
            return 'intercept';
          },
        );
        const callEnd = interrupted(run);
        if (callEnd) return callEnd;
        const toolStart = nowUnixNano();
        let result: ExecutedTool = intercepted
          ? { ...intercepted, source: 'processor' }
          : await executeToolCall(current, state.tools, environment);
        const executedCall = current;
        run = await hooks.run(
          'toolResult',
          view,
          () => ({
            call: executedCall,
            result: { content: result.content, isError: result.isError },
            execute: async () => {
              const again = await executeToolCall(executedCall, state.tools, environment);
              return { content: again.content, isError: again.isError };
            },
          }),
          (patch) => {
            result = { ...result, content: patch.content, isError: patch.isError ?? result.isError };
            return 'transform';
          },
        );
        recorder.recordToolCall(turn, {
          callId: current.id,
          name: current.name,
          arguments: current.arguments,
          result: result.content,
          isError: result.isError,
          resultSource: result.source,
          ...(result.isError
            ? { error: { type: result.errorType ?? 'tool_error', message: result.content } }
            : {}),
          startTimeUnixNano: toolStart,
          endTimeUnixNano: nowUnixNano(),
        });
        append({
          role: 'tool',
          toolCallId: current.id,
          name: current.name,
          content: result.content,
          isError: result.isError,
        });
        executed.push({
          name: current.name,
          arguments: current.arguments,
          result: result.content,
          isError: result.isError,
        });
        const resultEnd = interrupted(run);
        if (resultEnd) return resultEnd;
        if (environment.done) break;
      }
      await hooks.run(
        'turnEnd',
        view,
        () => ({ record: { text: response.text, toolCalls: executed } }),
        () => 'transform',
      );
      turnIndex += 1;
      if (response.toolCalls.length === 0 || environment.done) return 'completed';
    }
  };

  let end: LoopEnd;
  try {
    const run = await hooks.run(
      'taskStart',
      view,
      () => ({ systemPrompt: state.systemPrompt, tools: state.tools }),
      (patch, id) => {
        applyTaskStartPatch(patch, id, state, environmentTools);
        return 'transform';
      },
    );
    history = deepFreeze([
      { role: 'system', content: state.systemPrompt },
      { role: 'user', content: task.instruction },
    ] satisfies ChatMessage[]);
    end = interrupted(run) ?? (await runTurns());
  } catch (error) {
    if (signal.aborted) {
      end = episodeSignal.wallClockExpired ? budgetExhausted('wall-clock') : 'aborted';
      if (end === 'aborted')
        episodeError = { type: 'ABORTED', message: 'the episode was aborted by its caller' };
    } else {
      end = 'error';
      episodeError = describeFailure(error);
    }
  }
  if (!signal.aborted) {
    try {
      await hooks.run(
        'taskEnd',
        view,
        () => scoreArgs(environment, end),
        () => 'transform',
      );
    } catch (error) {
      end = 'error';
      episodeError = describeFailure(error);
    }
  }
  episodeSignal.dispose();
  const score = safeScore(environment, recorder);
  const outcome: EpisodeOutcome = end === 'completed' ? (score.success ? 'success' : 'failure') : end;
  const trajectory = recorder.finish(outcome, score, episodeError);
  return {
    outcome,
    success: score.success,
    reward: score.reward,
    usage: { ...recorder.usage, toolCalls: recorder.toolCallCount, turns: trajectory.turns.length },
    trajectory,
  };
}
