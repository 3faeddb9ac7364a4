/**
 * Executes one tool call the way a plain agent loop does: unknown tools and arguments that are not
 * JSON become error results the model can read; environment exceptions are contained and recorded.
 */
import type { EpisodeEnvironment, ToolStepResult } from '../environments/environment.ts';
import type { ToolCall, ToolDefinition } from '../providers/model.ts';

export type ParsedArguments = { ok: true; value: unknown } | { ok: false; message: string };

export function parseToolArguments(call: ToolCall): ParsedArguments {
  const text = call.arguments.trim() === '' ? '{}' : call.arguments;
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return {
      ok: false,
      message: `Error: the arguments of ${call.name} are not valid JSON: ${(error as Error).message}`,
    };
  }
}

export interface ExecutedTool extends ToolStepResult {
  source: 'environment' | 'runtime' | 'processor';
  errorType?: string;
}

/**
 * Runs one tool call. Unknown tools and arguments that are not JSON are answered at once, without
 * a promise; the environment's step is chained with `then` rather than awaited in an async
 * function, which saves a promise and a suspended frame on every call.
 */
export function executeToolCall(
  call: ToolCall,
  tools: readonly ToolDefinition[],
  environment: EpisodeEnvironment,
): ExecutedTool | Promise<ExecutedTool> {
  if (!tools.some((tool) => tool.name === call.name)) {
    return {
      content: `Error: unknown tool "${call.name}". Available tools: ${tools.map((tool) => tool.name).join(', ')}.`,
      isError: true,
      source: 'runtime',
      errorType: 'unknown_tool',
    };
  }
  const parsed = parseToolArguments(call);
  if (!parsed.ok)
    return { content: parsed.message, isError: true, source: 'runtime', errorType: 'invalid_arguments' };
  let step: Promise<ToolStepResult>;
  try {
    step = Promise.resolve(environment.step({ name: call.name, arguments: parsed.value }));
  } catch (error) {
    return toolException(call, error);
  }
  return step.then(
    (result) => {
      try {
        return fromEnvironment(result);
      } catch (error) {
        return toolException(call, error);
      }
    },
    (error) => toolException(call, error),
  );
}

/**
 * What the environment returned, as the runtime records it. Only the fields the runtime reads
 * are copied (spreading the environment's object costs more than the rest of a call's
 * bookkeeping); `isError` is read first, so a missing result fails as it always has.
 */
function fromEnvironment(result: ToolStepResult): ExecutedTool {
  const isError = result.isError;
  const executed: ExecutedTool = { content: result.content, isError, source: 'environment' };
  if (isError) executed.errorType = 'tool_error';
  return executed;
}

function toolException(call: ToolCall, error: unknown): ExecutedTool {
  return {
    content: `Error: the tool ${call.name} failed: ${(error as Error).message}`,
    isError: true,
    source: 'environment',
    errorType: 'tool_exception',
  };
}
