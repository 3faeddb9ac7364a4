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

/**
 * The first tool called `name`, as `tools.find` would return it. A loop, because the runtime's
 * tool lists are frozen arrays, on which `find` and `some` leave V8's fast paths.
 */
export function findTool(tools: readonly ToolDefinition[], name: string): ToolDefinition | undefined {
  for (let index = 0; index < tools.length; index++) {
    const tool = tools[index]!;
    if (tool.name === name) return tool;
  }
  return undefined;
}

export interface ExecutedTool extends ToolStepResult {
  source: 'environment' | 'runtime' | 'processor';
  errorType?: string;
}

/**
 * A tool call whose environment step is running: the step's own result, which the caller awaits
 * and hands to `settle` (or the error it rejects with to `fail`). Awaiting the step itself, rather
 * than a promise chained onto it, saves a promise, two closures and a microtask on every call.
 */
export class PendingToolStep {
  // Declared, not class fields: field definitions would run before the constructor on every call.
  declare readonly call: ToolCall;
  declare readonly pending: ToolStepResult | Promise<ToolStepResult>;

  constructor(call: ToolCall, pending: ToolStepResult | Promise<ToolStepResult>) {
    this.call = call;
    this.pending = pending;
  }

  /** What the step resolved to, as the runtime records it. */
  settle(result: ToolStepResult): ExecutedTool {
    try {
      return fromEnvironment(result);
    } catch (error) {
      return toolException(this.call, error);
    }
  }

  fail(error: unknown): ExecutedTool {
    return toolException(this.call, error);
  }
}

/**
 * Starts one tool call. Unknown tools and arguments that are not JSON are answered at once; a
 * call the environment runs comes back pending (see `PendingToolStep`).
 */
export function startToolCall(
  call: ToolCall,
  tools: readonly ToolDefinition[],
  environment: EpisodeEnvironment,
): ExecutedTool | PendingToolStep {
  if (findTool(tools, call.name) === undefined) {
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
  try {
    return new PendingToolStep(call, environment.step({ name: call.name, arguments: parsed.value }));
  } catch (error) {
    return toolException(call, error);
  }
}

/** Runs one tool call: `startToolCall`, then the step settled, in one promise when there is one. */
export function executeToolCall(
  call: ToolCall,
  tools: readonly ToolDefinition[],
  environment: EpisodeEnvironment,
): ExecutedTool | Promise<ExecutedTool> {
  const started = startToolCall(call, tools, environment);
  if (!(started instanceof PendingToolStep)) return started;
  return Promise.resolve(started.pending).then(
    (result) => started.settle(result),
    (error) => started.fail(error),
  );
}

/**
 * `execute` for a tool call's `toolResult` hook: re-runs the call. One per call, not one per
 * processor; a method, not an arrow property, because the loader names function-valued
 * properties at run time, which costs more.
 */
export function retrierFor(
  call: ToolCall,
  tools: readonly ToolDefinition[],
  environment: EpisodeEnvironment,
): { execute(): Promise<{ content: string; isError: boolean }> } {
  return {
    async execute() {
      const again = await executeToolCall(call, tools, environment);
      return { content: again.content, isError: again.isError };
    },
  };
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
