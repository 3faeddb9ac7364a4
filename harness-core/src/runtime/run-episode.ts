/**
 * `runEpisode`: the agent loop. It runs one task of an environment under one harness: hooks,
 * model calls through `ModelV1`, tool calls through the environment, budgets, abort, token and
 * cost accounting, and a complete `Trajectory` for every episode, including failed and aborted ones.
 */
import { AbortedError } from '../errors.ts';
import { harnessContentId } from '../harness/canonical.ts';
import type { EpisodeView } from '../harness/hooks.ts';
import type { ChatMessage, GenerateResult, ToolCall, ToolDefinition } from '../providers/model.ts';
import type { EpisodeOutcome } from '../trace/trajectory.ts';
import { nowUnixNano } from './clock.ts';
import { describeFailure, type LoopEnd, safeScore, scoreArgs, throwIfAborted } from './episode-helpers.ts';
import type { EpisodeResult, RunEpisodeOptions } from './episode-options.ts';
import { EpisodeRecorder } from './episode-recorder.ts';
import { createEpisodeSignal } from './episode-signal.ts';
import { copyToolCall, deepFreeze, freezeMessage } from './freeze.ts';
import { frozenCopy } from './frozen-copy.ts';
import { HookRunner, type HookRunOutcome } from './hook-runner.ts';
import { parseModelResult } from './model-result.ts';
import {
  applyHistoryPatch,
  applyRequestPatch,
  applyTaskStartPatch,
  buildRequestMessages,
} from './patches.ts';
import { type ExecutedTool, executeToolCall } from './tool-executor.ts';
import { newTraceId } from './trace-id.ts';

export type { EpisodeResult, RunEpisodeOptions } from './episode-options.ts';

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
    traceId: options.traceId ?? newTraceId(),
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
  const environmentTools = frozenCopy([...environment.tools]);
  const state = {
    systemPrompt: harness.slots.systemPrompt,
    tools:
      enabled === 'all' ? environmentTools : environmentTools.filter((tool) => enabled.includes(tool.name)),
  };
  let history: readonly ChatMessage[] = [];
  // The same messages as `history`, in an array of our own that can grow in place: each frozen
  // snapshot is then an exact-size copy (a spread with one more element over-allocates by half).
  let transcript: ChatMessage[] = [];
  let turnIndex = 0;
  let lastModelError: { type: string; message: string } | undefined;
  let episodeError: { type: string; message: string } | undefined;

  const view = (): EpisodeView => {
    const episode: { -readonly [K in keyof EpisodeView]: EpisodeView[K] } = {
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
    };
    // Set, not spread in: a spread in an object literal makes every view several times dearer.
    if (lastModelError) episode.lastModelError = lastModelError;
    return episode;
  };
  const append = (message: ChatMessage) => {
    transcript.push(freezeMessage(message));
    history = Object.freeze(transcript.slice());
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
      // Hook runs whose handlers are all synchronous (or absent) answer synchronously; awaiting
      // only real promises saves a microtask per hook, six times a turn.
      let run = hooks.run(
        'turnStart',
        view,
        (episode, emit, random, sleep) => ({ messages: history, episode, emit, random, sleep }),
        (patch, id) => {
          history = applyHistoryPatch(patch, id, history);
          transcript = [...history];
          return 'transform';
        },
      );
      if (run instanceof Promise) run = await run;
      const end = interrupted(run);
      if (end) return end;

      const request = {
        // `transcript` holds the same messages; copying a frozen array costs several times more.
        messages: transcript.slice(),
        appended: [] as string[],
        route: 'primary' as 'primary' | 'fallback',
      };
      run = hooks.run(
        'modelRequest',
        view,
        (episode, emit, random, sleep) => ({
          messages: buildRequestMessages(request),
          episode,
          emit,
          random,
          sleep,
        }),
        (patch, id) => {
          applyRequestPatch(patch, id, request, history.length);
          return 'transform';
        },
      );
      if (run instanceof Promise) run = await run;
      const requestEnd = interrupted(run);
      if (requestEnd) return requestEnd;

      const chosen = request.route === 'fallback' && options.fallbackModel ? options.fallbackModel : model;
      const requestMessages = buildRequestMessages(request);
      const modelCall = {
        provider: chosen.provider,
        model: chosen.modelId,
        inputMessages: requestMessages,
        tools: state.tools as ToolDefinition[],
        startTimeUnixNano: nowUnixNano(),
      };
      let result: GenerateResult;
      try {
        result = parseModelResult(
          await chosen.doGenerate({
            messages: requestMessages,
            tools: state.tools,
            toolChoice: 'auto',
            seed,
            signal,
          }),
          `${chosen.provider}:${chosen.modelId}`,
        );
      } catch (error) {
        if (signal.aborted || error instanceof AbortedError) throw error;
        const failure = describeFailure(error);
        recorder.recordModelFailure(modelCall, failure);
        lastModelError = failure;
        consecutiveModelErrors += 1;
        await hooks.run(
          'turnEnd',
          view,
          (episode, emit, random, sleep) => ({
            record: { text: '', toolCalls: [], modelError: failure },
            episode,
            emit,
            random,
            sleep,
          }),
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

      const raw = { text: result.text, toolCalls: result.toolCalls, finishReason: result.finishReason };
      let response = { text: raw.text, toolCalls: raw.toolCalls, finishReason: raw.finishReason };
      run = hooks.run(
        'modelResponse',
        view,
        (episode, emit, random, sleep) => ({ response, episode, emit, random, sleep }),
        (patch) => {
          response = {
            ...response,
            text: patch.text ?? response.text,
            toolCalls: patch.toolCalls ?? response.toolCalls,
          };
          return 'transform';
        },
      );
      if (run instanceof Promise) run = await run;
      const turn = recorder.recordModelResult(modelCall, raw, result);
      const responseEnd = interrupted(run);
      if (responseEnd) return responseEnd;
      const assistant: ChatMessage = { role: 'assistant', content: response.text };
      if (response.toolCalls.length > 0) assistant.toolCalls = response.toolCalls.map(copyToolCall);
      append(assistant);

      const executed: { name: string; arguments: string; result: string; isError: boolean }[] = [];
      for (const call of response.toolCalls) {
        throwIfAborted(signal);
        if (recorder.toolCallCount >= budgets.maxToolCalls) return budgetExhausted('tool-calls');
        let current: ToolCall = call;
        let intercepted: { content: string; isError: boolean } | undefined;
        run = hooks.run(
          'toolCall',
          view,
          (episode, emit, random, sleep) => ({
            call: current,
            tool: state.tools.find((tool) => tool.name === current.name),
            episode,
            emit,
            random,
            sleep,
          }),
          (patch) => {
            if (patch.action === 'rewrite') {
              current = { ...current, arguments: patch.arguments };
              return 'transform';
            }
            intercepted = { content: patch.result, isError: patch.isError };
            return 'intercept';
          },
        );
        if (run instanceof Promise) run = await run;
        const callEnd = interrupted(run);
        if (callEnd) return callEnd;
        const toolStart = nowUnixNano();
        const executing: ExecutedTool | Promise<ExecutedTool> = intercepted
          ? { ...intercepted, source: 'processor' }
          : executeToolCall(current, state.tools, environment);
        let result = executing instanceof Promise ? await executing : executing;
        const executedCall = current;
        // One re-run function per call, not one per processor; a method, not an arrow property,
        // because the loader names function-valued properties at run time, which costs more.
        const retry = {
          async execute() {
            const again = await executeToolCall(executedCall, state.tools, environment);
            return { content: again.content, isError: again.isError };
          },
        };
        run = hooks.run(
          'toolResult',
          view,
          (episode, emit, random, sleep) => ({
            call: executedCall,
            result: { content: result.content, isError: result.isError },
            execute: retry.execute,
            episode,
            emit,
            random,
            sleep,
          }),
          (patch) => {
            result = { ...result, content: patch.content, isError: patch.isError ?? result.isError };
            return 'transform';
          },
        );
        if (run instanceof Promise) run = await run;
        recorder.recordToolResult(turn, current, result, toolStart);
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
      const turnEnd = hooks.run(
        'turnEnd',
        view,
        (episode, emit, random, sleep) => ({
          record: { text: response.text, toolCalls: executed },
          episode,
          emit,
          random,
          sleep,
        }),
        () => 'transform',
      );
      if (turnEnd instanceof Promise) await turnEnd;
      turnIndex += 1;
      if (response.toolCalls.length === 0 || environment.done) return 'completed';
    }
  };

  let end: LoopEnd;
  try {
    const run = await hooks.run(
      'taskStart',
      view,
      (episode, emit, random, sleep) => ({
        systemPrompt: state.systemPrompt,
        tools: state.tools,
        episode,
        emit,
        random,
        sleep,
      }),
      (patch, id) => {
        applyTaskStartPatch(patch, id, state, environmentTools);
        return 'transform';
      },
    );
    history = deepFreeze([
      { role: 'system', content: state.systemPrompt },
      { role: 'user', content: task.instruction },
    ] satisfies ChatMessage[]);
    transcript = [...history];
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
        (episode, emit, random, sleep) => ({ ...scoreArgs(environment, end), episode, emit, random, sleep }),
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
    usage: {
      inputTokens: recorder.usage.inputTokens,
      outputTokens: recorder.usage.outputTokens,
      costUsd: recorder.usage.costUsd,
      toolCalls: recorder.toolCallCount,
      turns: trajectory.turns.length,
    },
    trajectory,
  };
}
