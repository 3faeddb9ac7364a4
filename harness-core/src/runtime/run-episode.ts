/**
 * `runEpisode`: the agent loop. It runs one task of an environment under one harness: hooks,
 * model calls through `ModelV1`, tool calls through the environment, budgets, abort, token and
 * cost accounting, and a complete `Trajectory` for every episode, including failed and aborted ones.
 */
import { AbortedError } from '../errors.ts';
import { harnessContentId } from '../harness/canonical.ts';
import type { EpisodeView } from '../harness/hooks.ts';
import type { ChatMessage, GenerateResult, ToolDefinition } from '../providers/model.ts';
import type { EpisodeOutcome } from '../trace/trajectory.ts';
import { nowUnixNano } from './clock.ts';
import { describeFailure, type LoopEnd, safeScore, taskEndArgs, throwIfAborted } from './episode-helpers.ts';
import type { EpisodeResult, RunEpisodeOptions } from './episode-options.ts';
import { EpisodeRecorder } from './episode-recorder.ts';
import { createEpisodeSignal } from './episode-signal.ts';
import { copyToolCall, deepFreeze, freezeMessage } from './freeze.ts';
import { frozenCopy } from './frozen-copy.ts';
import { HookRunner, type HookRunOutcome } from './hook-runner.ts';
import { parseModelResult } from './model-result.ts';
import { applyTaskStartPatch, modelRequestMessages } from './patches.ts';
import { type ExecutedTool, PendingToolStep, retrierFor, startToolCall } from './tool-executor.ts';
import { newTraceId } from './trace-id.ts';
import { createTurnSites, type ExecutedCall, newTurnState, type TurnState } from './turn-sites.ts';

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
    { strict: options.strict ?? false, seed, signal, abortState: episodeSignal, events: recorder },
  );
  const enabled = harness.slots.tools.enabled;
  const environmentTools = frozenCopy([...environment.tools]);
  const state = {
    systemPrompt: harness.slots.systemPrompt,
    tools:
      enabled === 'all' ? environmentTools : environmentTools.filter((tool) => enabled.includes(tool.name)),
  };
  const turn = newTurnState(state.tools);
  const sites = createTurnSites(turn);
  let turnIndex = 0;
  let lastModelError: { type: string; message: string } | undefined;
  let episodeError: { type: string; message: string } | undefined;

  // Frozen copies made once per episode and shared by every view: neither changes, and the
  // harness's own budgets object is what the loop enforces, so no processor may write to it.
  const taskView = Object.freeze({ id: task.id, suite: task.suite, instruction: task.instruction });
  const budgetsView = frozenCopy(budgets);
  // Methods of one object, not arrow functions assigned to names: the loader names those at run
  // time, which costs more per episode than making them.
  const { view, append, interrupted, budgetExhausted } = {
    view(): EpisodeView {
      const episode: { -readonly [K in keyof EpisodeView]: EpisodeView[K] } = {
        task: taskView,
        turn: turnIndex,
        seed,
        budgets: budgetsView,
        usage: {
          inputTokens: recorder.usage.inputTokens,
          outputTokens: recorder.usage.outputTokens,
          toolCalls: recorder.toolCallCount,
          turns: turnIndex,
          elapsedMs: performance.now() - startedAt,
        },
        messages: turn.history,
        tools: state.tools,
      };
      // Set, not spread in: a spread in an object literal makes every view several times dearer.
      if (lastModelError) episode.lastModelError = lastModelError;
      return episode;
    },
    append(message: ChatMessage): void {
      turn.transcript.push(freezeMessage(message));
      turn.history = Object.freeze(turn.transcript.slice());
    },
    interrupted(run: HookRunOutcome): LoopEnd | undefined {
      if (!run.interrupted) return undefined;
      recorder.event('episode-interrupted', { 'processor.id': run.processorId, reason: run.reason });
      return 'interrupted';
    },
    budgetExhausted(budget: string): LoopEnd {
      recorder.event('budget-exhausted', { budget });
      return 'budget-exhausted';
    },
  };

  const runTurns = async (): Promise<LoopEnd> => {
    let consecutiveModelErrors = 0;
    for (;;) {
      throwIfAborted(episodeSignal);
      if (turnIndex >= budgets.maxTurns) return budgetExhausted('turns');
      if (recorder.usage.inputTokens + recorder.usage.outputTokens >= budgets.maxTokens)
        return budgetExhausted('tokens');
      recorder.setTurn(turnIndex);
      // Hook runs whose handlers are all synchronous (or absent) answer synchronously; awaiting
      // only real promises saves a microtask per hook, six times a turn.
      let run = hooks.run('turnStart', view, sites.turnStart, sites.applyHistory);
      if (run instanceof Promise) run = await run;
      const end = interrupted(run);
      if (end) return end;

      // The frozen history itself, not a copy: processors cannot change it, and those that follow
      // a growing history (compaction, in-view tracking) recognise it and look only at what is new.
      // A patch that rewrites a message writes to a copy (`applyRequestPatch`).
      const request: TurnState['request'] = { messages: turn.history, appended: [], route: 'primary' };
      turn.request = request;
      run = hooks.run('modelRequest', view, sites.modelRequest, sites.applyRequest);
      if (run instanceof Promise) run = await run;
      const requestEnd = interrupted(run);
      if (requestEnd) return requestEnd;

      const chosen = request.route === 'fallback' && options.fallbackModel ? options.fallbackModel : model;
      const requestMessages = modelRequestMessages(request);
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
        if (episodeSignal.aborted || error instanceof AbortedError) throw error;
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
      throwIfAborted(episodeSignal);
      consecutiveModelErrors = 0;
      lastModelError = undefined;

      const raw = { text: result.text, toolCalls: result.toolCalls, finishReason: result.finishReason };
      turn.response = { text: raw.text, toolCalls: raw.toolCalls, finishReason: raw.finishReason };
      run = hooks.run('modelResponse', view, sites.modelResponse, sites.applyResponse);
      if (run instanceof Promise) run = await run;
      const recorded = recorder.recordModelResult(modelCall, raw, result);
      const response = turn.response;
      const responseEnd = interrupted(run);
      if (responseEnd) return responseEnd;
      const assistant: ChatMessage = { role: 'assistant', content: response.text };
      if (response.toolCalls.length > 0) assistant.toolCalls = response.toolCalls.map(copyToolCall);
      append(assistant);

      const executed: ExecutedCall[] = [];
      turn.executed = executed;
      for (const call of response.toolCalls) {
        throwIfAborted(episodeSignal);
        if (recorder.toolCallCount >= budgets.maxToolCalls) return budgetExhausted('tool-calls');
        turn.call = call;
        run = hooks.run('toolCall', view, sites.toolCall, sites.applyToolCall);
        if (run instanceof Promise) run = await run;
        // Taken and cleared at once, so the next call starts without one.
        const intercepted = turn.intercepted;
        turn.intercepted = undefined;
        const callEnd = interrupted(run);
        if (callEnd) return callEnd;
        const toolStart = nowUnixNano();
        const current = turn.call;
        // Fields named, not spread in: this site runs rarely and a spread here takes V8's slow path.
        const started: ExecutedTool | PendingToolStep = intercepted
          ? { content: intercepted.content, isError: intercepted.isError, source: 'processor' }
          : startToolCall(current, state.tools, environment);
        if (started instanceof PendingToolStep) {
          try {
            turn.result = started.settle(await started.pending);
          } catch (error) {
            turn.result = started.fail(error);
          }
        } else turn.result = started;
        turn.execute = retrierFor(current, state.tools, environment).execute;
        run = hooks.run('toolResult', view, sites.toolResult, sites.applyToolResult);
        if (run instanceof Promise) run = await run;
        const result = turn.result;
        recorder.recordToolResult(recorded, current, result, toolStart);
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
      const turnEnd = hooks.run('turnEnd', view, sites.turnEnd, sites.applyNothing);
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
    turn.history = deepFreeze([
      { role: 'system', content: state.systemPrompt },
      { role: 'user', content: task.instruction },
    ] satisfies ChatMessage[]);
    turn.transcript = [...turn.history];
    turn.tools = state.tools;
    end = interrupted(run) ?? (await runTurns());
  } catch (error) {
    if (episodeSignal.aborted) {
      end = episodeSignal.wallClockExpired ? budgetExhausted('wall-clock') : 'aborted';
      if (end === 'aborted')
        episodeError = { type: 'ABORTED', message: 'the episode was aborted by its caller' };
    } else {
      end = 'error';
      episodeError = describeFailure(error);
    }
  }
  if (!episodeSignal.aborted) {
    try {
      await hooks.run(
        'taskEnd',
        view,
        (episode, emit, random, sleep) => taskEndArgs(environment, end, episode, emit, random, sleep),
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
