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

export async function executeToolCall(
  call: ToolCall,
  tools: readonly ToolDefinition[],
  environment: EpisodeEnvironment,
): Promise<ExecutedTool> {
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
  try {
    const result = await environment.step({ name: call.name, arguments: parsed.value });
    return { ...result, source: 'environment', ...(result.isError ? { errorType: 'tool_error' } : {}) };
  } catch (error) {
    return {
      content: `Error: the tool ${call.name} failed: ${(error as Error).message}`,
      isError: true,
      source: 'environment',
      errorType: 'tool_exception',
    };
  }
}
