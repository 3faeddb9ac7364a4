/**
 * `ScriptedEnvironment` (test double): an `EpisodeEnvironment` whose tools and results a test
 * scripts. Each tool has a handler that returns the result; the double checks arguments against
 * the tool's schema (required keys, unexpected keys, scalar types) the way a real environment
 * rejects bad calls, records every step, ends the episode on the finish tool and scores with a
 * scripted function.
 */
import type { EpisodeEnvironment, EpisodeScore, ToolStepResult } from '../environments/environment.ts';
import type { ToolDefinition } from '../providers/model.ts';

/** What a handler returns: a full result, or a string read as a successful result. */
export type ScriptedToolOutput = ToolStepResult | string;

/** Answers one call of a scripted tool; it may read and change the environment's `state`. */
export type ScriptedToolHandler = (
  args: Record<string, unknown>,
  environment: ScriptedEnvironment,
) => ScriptedToolOutput | Promise<ScriptedToolOutput>;

/** The script: tools, their handlers, the finish tool and the scoring. */
export interface ScriptedEnvironmentOptions {
  tools: readonly ToolDefinition[];
  /** One handler per tool name; a tool without a handler answers `ok`. */
  handlers?: Record<string, ScriptedToolHandler>;
  /** Calling this tool ends the episode (after its handler runs). Default `finish`. */
  finishTool?: string;
  /** Scores the episode; by default success = the finish tool was called and `solved` is true. */
  score?: (environment: ScriptedEnvironment) => EpisodeScore;
  /** Reject arguments that break the tool's schema with an error result. Default true. */
  validateArguments?: boolean;
}

/** One step as the environment saw it, for assertions. */
export interface ScriptedStepRecord {
  name: string;
  arguments: unknown;
  result: ToolStepResult;
}

type PropertyType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';

/**
 * A tool definition with every listed property required and no others allowed.
 * @example scriptedTool('take', { object: 'string', source: 'string' })
 */
export function scriptedTool(
  name: string,
  properties: Record<string, PropertyType> = {},
  description = `the ${name} tool`,
): ToolDefinition {
  return {
    name,
    description,
    parameters: {
      type: 'object',
      properties: Object.fromEntries(Object.entries(properties).map(([key, type]) => [key, { type }])),
      required: Object.keys(properties),
      additionalProperties: false,
    },
  };
}

/**
 * Test double: an `EpisodeEnvironment` whose tool results are scripted per test.
 * @example
 * const env = new ScriptedEnvironment({ tools: [scriptedTool('look'), scriptedTool('finish')], handlers: { look: () => 'A room.' } });
 */
export class ScriptedEnvironment implements EpisodeEnvironment {
  readonly tools: readonly ToolDefinition[];
  /** Every step, in order, including rejected ones. */
  readonly steps: ScriptedStepRecord[] = [];
  /** Free-form state the handlers share (location, inventory, ...). */
  readonly state: Record<string, unknown> = {};
  /** Set by handlers when the task's goal is met; read by the default score. */
  solved = false;
  #done = false;
  readonly #options: ScriptedEnvironmentOptions;

  constructor(options: ScriptedEnvironmentOptions) {
    this.tools = options.tools;
    this.#options = options;
  }

  get done(): boolean {
    return this.#done;
  }

  /** Steps of one tool, for assertions. */
  stepsOf(name: string): ScriptedStepRecord[] {
    return this.steps.filter((step) => step.name === name);
  }

  async step(call: { name: string; arguments: unknown }): Promise<ToolStepResult> {
    const result = await this.#run(call);
    this.steps.push({ name: call.name, arguments: call.arguments, result });
    if (call.name === (this.#options.finishTool ?? 'finish') && !result.isError) this.#done = true;
    return result;
  }

  score(): EpisodeScore {
    if (this.#options.score) return this.#options.score(this);
    const finished = this.#done;
    return { success: finished && this.solved, reward: finished && this.solved ? 1 : 0 };
  }

  async #run(call: { name: string; arguments: unknown }): Promise<ToolStepResult> {
    const tool = this.tools.find((candidate) => candidate.name === call.name);
    if (!tool) return { content: `Error: unknown tool "${call.name}".`, isError: true };
    const args = call.arguments;
    if (args === null || typeof args !== 'object' || Array.isArray(args)) {
      return { content: `Error: ${call.name} expects an object of arguments.`, isError: true };
    }
    const record = args as Record<string, unknown>;
    if (this.#options.validateArguments ?? true) {
      const problem = checkArguments(record, tool);
      if (problem) return { content: `Error: ${call.name}: ${problem}.`, isError: true };
    }
    const handler = this.#options.handlers?.[call.name];
    const output = handler ? await handler(record, this) : 'ok';
    return typeof output === 'string' ? { content: output, isError: false } : output;
  }
}

function checkArguments(args: Record<string, unknown>, tool: ToolDefinition): string | undefined {
  const properties = (tool.parameters['properties'] ?? {}) as Record<string, { type?: string }>;
  const required = (tool.parameters['required'] ?? []) as string[];
  for (const key of required) if (!(key in args)) return `missing argument "${key}"`;
  for (const [key, value] of Object.entries(args)) {
    const expected = properties[key]?.type;
    if (!Object.hasOwn(properties, key)) {
      if (tool.parameters['additionalProperties'] === false) return `unexpected argument "${key}"`;
      continue;
    }
    if (expected && !matchesType(value, expected)) return `argument "${key}" must be ${expected}`;
  }
  return undefined;
}

function matchesType(value: unknown, type: string): boolean {
  if (type === 'array') return Array.isArray(value);
  if (type === 'object') return value !== null && typeof value === 'object' && !Array.isArray(value);
  if (type === 'integer') return Number.isInteger(value);
  return typeof value === type;
}
