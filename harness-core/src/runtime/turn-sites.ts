/**
 * The episode loop's hook sites: for each per-turn hook, the function that builds a processor's
 * arguments from the turn so far and the one that applies a processor's patch to it. They are
 * made once per episode and read the turn from one mutable `TurnState`, rather than being
 * closures over the loop's variables made afresh on every turn (a dozen functions and their
 * contexts a turn, for every episode).
 */
import type { HookArgs, HookName, HookPatches } from '../harness/hooks.ts';
import type { ChatMessage, FinishReason, ToolCall, ToolDefinition } from '../providers/model.ts';
import type { HookArgsBuilder } from './hook-runner.ts';
import { applyHistoryPatch, applyRequestPatch, buildRequestMessages } from './patches.ts';
import { type ExecutedTool, findTool } from './tool-executor.ts';

/** One executed tool call as `turnEnd` reports it. */
export interface ExecutedCall {
  name: string;
  arguments: string;
  result: string;
  isError: boolean;
}

/** What the hook sites read and patch: the history and the parts of the turn in progress. */
export interface TurnState {
  /** The history as processors see it: a frozen snapshot. */
  history: readonly ChatMessage[];
  /**
   * The same messages as `history`, in an array of our own that can grow in place: each frozen
   * snapshot is then an exact-size copy (a spread with one more element over-allocates by half).
   */
  transcript: ChatMessage[];
  tools: readonly ToolDefinition[];
  request: { messages: readonly ChatMessage[]; appended: string[]; route: 'primary' | 'fallback' };
  response: { text: string; toolCalls: readonly ToolCall[]; finishReason: FinishReason };
  /** The tool call in progress, as patched so far, and the processor's answer if one intercepted it. */
  call: ToolCall;
  intercepted: { content: string; isError: boolean } | undefined;
  result: ExecutedTool;
  execute: HookArgs['toolResult']['execute'];
  executed: ExecutedCall[];
}

/** The state before the first turn: empty history, and placeholders the first turn replaces. */
export function newTurnState(tools: readonly ToolDefinition[]): TurnState {
  return {
    history: [],
    transcript: [],
    tools,
    request: { messages: [], appended: [], route: 'primary' },
    response: { text: '', toolCalls: [], finishReason: 'stop' },
    call: { id: '', name: '', arguments: '' },
    intercepted: undefined,
    result: { content: '', isError: false, source: 'runtime' },
    execute: nothingToRerun,
    executed: [],
  };
}

/** `execute` before the episode's first tool call. */
async function nothingToRerun(): Promise<{ content: string; isError: boolean }> {
  return { content: '', isError: false };
}

type Apply<H extends HookName> = (
  patch: Exclude<HookPatches[H], { type: 'interrupt' }>,
  processorId: string,
) => 'transform' | 'intercept';

/** The sites of the per-turn hooks; `taskStart` and `taskEnd` run once and build their own. */
export interface TurnSites {
  turnStart: HookArgsBuilder<'turnStart'>;
  applyHistory: Apply<'turnStart'>;
  modelRequest: HookArgsBuilder<'modelRequest'>;
  applyRequest: Apply<'modelRequest'>;
  modelResponse: HookArgsBuilder<'modelResponse'>;
  applyResponse: Apply<'modelResponse'>;
  toolCall: HookArgsBuilder<'toolCall'>;
  applyToolCall: Apply<'toolCall'>;
  toolResult: HookArgsBuilder<'toolResult'>;
  applyToolResult: Apply<'toolResult'>;
  turnEnd: HookArgsBuilder<'turnEnd'>;
  /** For hooks whose patches need nothing applied (read-only hooks never return one). */
  applyNothing: () => 'transform';
}

/**
 * The sites for one episode's `turn`. Methods of one object literal, not arrow properties: the
 * loader names function-valued properties at run time, which costs more than making them.
 */
export function createTurnSites(turn: TurnState): TurnSites {
  return {
    turnStart(episode, emit, random, sleep) {
      return { messages: turn.history, episode, emit, random, sleep };
    },
    applyHistory(patch, processorId) {
      turn.history = applyHistoryPatch(patch, processorId, turn.history);
      turn.transcript = [...turn.history];
      return 'transform';
    },
    modelRequest(episode, emit, random, sleep) {
      return { messages: buildRequestMessages(turn.request), episode, emit, random, sleep };
    },
    applyRequest(patch, processorId) {
      applyRequestPatch(patch, processorId, turn.request, turn.history.length);
      return 'transform';
    },
    modelResponse(episode, emit, random, sleep) {
      return { response: turn.response, episode, emit, random, sleep };
    },
    applyResponse(patch) {
      const response = turn.response;
      turn.response = {
        ...response,
        text: patch.text ?? response.text,
        toolCalls: patch.toolCalls ?? response.toolCalls,
      };
      return 'transform';
    },
    toolCall(episode, emit, random, sleep) {
      const call = turn.call;
      return { call, tool: findTool(turn.tools, call.name), episode, emit, random, sleep };
    },
    applyToolCall(patch) {
      if (patch.action === 'rewrite') {
        turn.call = { ...turn.call, arguments: patch.arguments };
        return 'transform';
      }
      turn.intercepted = { content: patch.result, isError: patch.isError };
      return 'intercept';
    },
    toolResult(episode, emit, random, sleep) {
      const result = turn.result;
      return {
        call: turn.call,
        result: { content: result.content, isError: result.isError },
        execute: turn.execute,
        episode,
        emit,
        random,
        sleep,
      };
    },
    applyToolResult(patch) {
      const result = turn.result;
      turn.result = { ...result, content: patch.content, isError: patch.isError ?? result.isError };
      return 'transform';
    },
    turnEnd(episode, emit, random, sleep) {
      return { record: { text: turn.response.text, toolCalls: turn.executed }, episode, emit, random, sleep };
    },
    applyNothing() {
      return 'transform';
    },
  };
}
