/**
 * Reads, from one recorded trajectory, the Bernoulli draws of the simulated worker's failure modes
 * that the record makes visible, and whether each fired. It mirrors where `decide-next-call.ts`
 * draws (same context signals, same failure scale for long contexts), so the score function below
 * is the worker's own; what the record cannot show (ignoring the last tool result, a belief that
 * the main put is done) is left out rather than guessed.
 */
import type { ChatMessage, ToolCall, ToolDefinition } from '../../providers/model.ts';
import {
  type AnsweredCall,
  errorNamesParameters,
  isFailedResult,
  isRepetitionVisible,
  readContextSignals,
} from '../../testing/simulated-worker/context-signals.ts';
import { isWellFormedJsonObject } from '../../testing/simulated-worker/malformed-arguments.ts';
import { messageTokenCounts } from '../../testing/simulated-worker/perception.ts';
import type { ResolvedSimulatedWorkerOptions } from '../../testing/simulated-worker/simulated-worker-options.ts';
import { expandContexts } from '../context-deltas.ts';
import type { XgrpoMessage, XgrpoTool, XgrpoTrajectory } from '../group-record-schema.ts';

/** The trained knobs: each one is the probability of a Bernoulli draw inside the worker. */
export const TRAINED_RATES = [
  'malformedArgumentsRate',
  'malformedAfterBareErrorRate',
  'repeatFailedActionRate',
  'earlyFinishRate',
] as const;
export type TrainedRate = (typeof TRAINED_RATES)[number];

/** Observable but not trained: `ignoreLastToolResultRate` leaves no trace in a record. */
export const UNOBSERVABLE_RATES = ['ignoreLastToolResultRate'] as const;

export interface FailureDecision {
  rate: TrainedRate;
  fired: boolean;
  /** The probability the worker drew against: the base rate, scaled by context length where it is. */
  probability: number;
}

const FINISH = 'finish';
const OBSERVING_TOOLS = new Set(['look', 'inventory', 'examine']);

function toChatMessage(message: XgrpoMessage): ChatMessage {
  switch (message.role) {
    case 'system':
    case 'user':
      return { role: message.role, content: message.content };
    case 'assistant':
      return {
        role: 'assistant',
        content: message.content ?? '',
        toolCalls: (message.tool_calls ?? []).map((call) => ({
          id: call.id,
          name: call.function.name,
          arguments: call.function.arguments,
        })),
      };
    case 'tool':
      return {
        role: 'tool',
        toolCallId: message.tool_call_id,
        name: message.name ?? '',
        content: message.content,
      };
  }
}

function toToolDefinition(tool: XgrpoTool): ToolDefinition {
  return {
    name: tool.function.name,
    description: tool.function.description,
    parameters: tool.function.parameters,
  };
}

function parameterNames(tool: ToolDefinition | undefined): string[] {
  const properties = tool?.parameters['properties'];
  return properties !== null && typeof properties === 'object' ? Object.keys(properties) : [];
}

/** Garbled the way the worker garbles: not a JSON object, or a key the tool does not declare. */
function isMalformed(argumentsText: string, tool: ToolDefinition | undefined): boolean {
  if (!isWellFormedJsonObject(argumentsText)) return true;
  const declared = new Set(parameterNames(tool));
  return Object.keys(JSON.parse(argumentsText) as object).some((key) => !declared.has(key));
}

function isErrorResult(content: string | undefined): boolean {
  return content !== undefined && /^\s*error\b/i.test(content);
}

interface CallView {
  messages: ChatMessage[];
  call: ToolCall;
  tools: ToolDefinition[];
}

function malformedDecision(
  view: CallView,
  last: AnsweredCall | undefined,
  scaled: (rate: number) => number,
  options: ResolvedSimulatedWorkerOptions,
): FailureDecision | undefined {
  const tool = view.tools.find((candidate) => candidate.name === view.call.name);
  if (parameterNames(tool).length === 0) return undefined;
  const fired = isMalformed(view.call.arguments, tool);
  if (last && isErrorResult(last.result?.content)) {
    const lastTool = view.tools.find((candidate) => candidate.name === last.call.name);
    // An error that states the parameters is always followed by a well-formed call: no draw.
    if (errorNamesParameters(last.result?.content ?? '', lastTool)) return undefined;
    if (!isWellFormedJsonObject(last.call.arguments))
      return { rate: 'malformedAfterBareErrorRate', fired, probability: options.malformedAfterBareErrorRate };
  }
  return { rate: 'malformedArgumentsRate', fired, probability: scaled(options.malformedArgumentsRate) };
}

/**
 * An early finish fired when the finish ended a failed episode, or when a harness answered it
 * (without ending the episode) and the worker then went on acting instead of finishing again.
 */
function earlyFinishDecision(
  views: readonly CallView[],
  index: number,
  success: boolean,
  scaled: (rate: number) => number,
  options: ResolvedSimulatedWorkerOptions,
): FailureDecision | undefined {
  const view = views[index];
  if (!view) return undefined;
  const signals = readContextSignals(view.messages);
  // Told once that it was not done, the worker checks instead of drawing again.
  if (signals.calls.some((entry) => entry.call.name === FINISH && entry.result !== undefined))
    return undefined;
  const later = views.slice(index + 1).map((next) => next.call.name);
  const fired =
    later.length === 0 ? !success : (later.find((name) => !OBSERVING_TOOLS.has(name)) ?? FINISH) !== FINISH;
  return { rate: 'earlyFinishRate', fired, probability: scaled(options.earlyFinishRate) };
}

/** Every visible failure-mode draw of the trajectory's trainable calls, in call order. */
export function failureDecisions(
  trajectory: XgrpoTrajectory,
  success: boolean,
  options: ResolvedSimulatedWorkerOptions,
): FailureDecision[] {
  const contexts = expandContexts(trajectory);
  const tools = trajectory.tools.map(toToolDefinition);
  const views: CallView[] = [];
  for (const call of trajectory.calls) {
    const first = call.response.tool_calls?.[0];
    if (!call.trainable || first === undefined) continue;
    views.push({
      messages: (contexts.get(call.call_id) ?? []).map(toChatMessage),
      call: { id: first.id, name: first.function.name, arguments: first.function.arguments },
      tools: call.context.tools ? call.context.tools.map(toToolDefinition) : tools,
    });
  }
  const decisions: FailureDecision[] = [];
  views.forEach((view, index) => {
    const contextTokens = messageTokenCounts(view.messages).reduce((sum, count) => sum + count, 0);
    const failureScale = 1 + contextTokens / options.contextPenaltyTokens;
    const scaled = (rate: number) => Math.min(1, rate * failureScale);
    const signals = readContextSignals(view.messages);
    const last = signals.last;
    if (view.call.name === FINISH) {
      const decision = earlyFinishDecision(views, index, success, scaled, options);
      if (decision) decisions.push(decision);
    }
    if (
      last &&
      isFailedResult(last.result?.content) &&
      !isRepetitionVisible(signals, last.call, options.recentWindowTokens, options.visibleRepetitionCount)
    ) {
      const repeated = view.call.name === last.call.name && view.call.arguments === last.call.arguments;
      decisions.push({
        rate: 'repeatFailedActionRate',
        fired: repeated,
        probability: scaled(options.repeatFailedActionRate),
      });
      // A repetition returns before the arguments are written: no malformed draw on that call.
      if (repeated) return;
    }
    const malformed = malformedDecision(view, last, scaled, options);
    if (malformed) decisions.push(malformed);
  });
  return decisions;
}
