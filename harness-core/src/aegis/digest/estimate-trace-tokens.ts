/**
 * Tokens of the trace content a digest read, estimated (4 characters a token) from a trajectory:
 * every model call's input messages, tool definitions and output, and every tool call's arguments
 * and result — what the chat and tool spans carry.
 */
import { estimateMessagesTokens, estimateTokens, type ToolDefinition } from '../../providers/model.ts';
import type { Trajectory } from '../../trace/trajectory.ts';

/** Readers share one tool list across the calls of an episode: estimate each list once. */
const toolListTokens = new WeakMap<readonly ToolDefinition[], number>();

function toolsTokens(tools: readonly ToolDefinition[] | undefined): number {
  if (tools === undefined || tools.length === 0) return 0;
  let tokens = toolListTokens.get(tools);
  if (tokens === undefined) {
    tokens = estimateTokens(JSON.stringify(tools));
    toolListTokens.set(tools, tokens);
  }
  return tokens;
}

export function estimateTrajectoryTokens(trajectory: Trajectory): number {
  let tokens = 0;
  for (const turn of trajectory.turns) {
    const call = turn.modelCall;
    tokens += estimateMessagesTokens(call.inputMessages) + toolsTokens(call.tools);
    if (call.output) {
      tokens += estimateTokens(call.output.text);
      for (const toolCall of call.output.toolCalls)
        tokens += estimateTokens(toolCall.name + toolCall.arguments);
    }
    for (const toolCall of turn.toolCalls) tokens += estimateTokens(toolCall.arguments + toolCall.result);
  }
  return tokens;
}

/** Bytes of trace text as tokens (4 bytes a token, the same rate as `estimateTokens`). */
export function tokensOfBytes(bytes: number): number {
  return Math.ceil(bytes / 4);
}
