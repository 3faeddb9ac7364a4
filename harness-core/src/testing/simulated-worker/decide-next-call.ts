/**
 * One decision of the simulated worker, as a pure function of the request: perceive, recall,
 * believe, pick the goal, plan, then let the seeded failure modes act. Each failure mode responds
 * to information in the context (an error that names the parameters, a visible repetition, a goal
 * check in view), never to who put it there.
 */
import type { GenerateRequest, ToolDefinition } from '../../providers/model.ts';
import { type Beliefs, buildBeliefs, kindOf } from './beliefs.ts';
import {
  type ContextSignals,
  callKey,
  errorNamesParameters,
  isFailedResult,
  isPlanRequested,
  isRepetitionVisible,
  readContextSignals,
} from './context-signals.ts';
import { isWellFormedJsonObject, malformArguments, pickMalformation } from './malformed-arguments.ts';
import { type Perception, perceiveContext } from './perception.ts';
import { believedSatisfying, type PlannedAction, planNextAction } from './planner.ts';
import { isInView, recallFacts } from './recall.ts';
import { createDecisionRandom, type DecisionRandom, hashText } from './seeded-random.ts';
import type { ResolvedSimulatedWorkerOptions } from './simulated-worker-options.ts';
import { degradeGoal, formatPlan, planSteps } from './worker-plan.ts';
import type { SimulatedGoal } from './world-sentences.ts';

const FINISH = 'finish';
const LOOK = 'look';
const MAX_REPLANS = 4;

export interface WorkerDecision {
  readonly text: string;
  /** The call to emit (raw arguments text), or `undefined` for a plain text answer. */
  readonly call: { name: string; arguments: string } | undefined;
  /** Hash of the request content; seeds every draw and names the call. */
  readonly requestHash: number;
}

/** Hash of everything the worker reads: seed, messages (ids aside) and tool names. */
export function hashRequest(request: GenerateRequest): number {
  const content = JSON.stringify([
    request.messages.map((message) => [
      message.role,
      message.content,
      message.role === 'assistant'
        ? (message.toolCalls ?? []).map((call) => [call.name, call.arguments])
        : null,
      message.role === 'tool' ? [message.name, message.isError === true] : null,
    ]),
    request.tools.map((tool) => tool.name),
  ]);
  return hashText(request.seed ?? 0, content);
}

function withoutLastToolResult(messages: GenerateRequest['messages']): GenerateRequest['messages'] {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.role === 'tool') return [...messages.slice(0, i), ...messages.slice(i + 1)];
  }
  return messages;
}

function chooseGoal(
  perception: Perception,
  random: DecisionRandom,
  options: ResolvedSimulatedWorkerOptions,
): SimulatedGoal | undefined {
  const nearest = <T extends { distance: number }>(facts: readonly T[]) =>
    [...facts].sort((a, b) => a.distance - b.distance)[0];
  const recalled = nearest(recallFacts(perception.goals, random.stream('goal-recall'), options));
  if (recalled) return recalled.value;
  const plan = nearest(perception.plans.filter((fact) => isInView(fact, options)));
  if (plan) return plan.value;
  const remembered = nearest(perception.goals);
  return remembered ? degradeGoal(remembered.value) : undefined;
}

/** Re-grounding: what a blocked action says about a belief that must be wrong. */
function dropBeliefBehind(beliefs: Beliefs, action: PlannedAction): void {
  const { object, source, target } = action.args as Record<string, string | undefined>;
  if (action.name === 'take' && object) {
    beliefs.locationOf.delete(object);
    if (source) beliefs.contents.get(source)?.delete(object);
  } else if (action.name === 'open' && target) {
    beliefs.open.set(target, true);
  } else if (action.name === 'go_to' && target) {
    if (beliefs.rooms.has(target)) {
      beliefs.room = target;
      beliefs.at = null;
    } else {
      beliefs.roomOf.delete(target);
      const here = beliefs.room === undefined ? undefined : beliefs.roomReceptacles.get(beliefs.room);
      if (here)
        beliefs.roomReceptacles.set(
          beliefs.room!,
          here.filter((name) => name !== target),
        );
    }
  } else if (object) {
    beliefs.held = null;
    beliefs.locationOf.delete(object);
  }
}

function planAroundBlocked(
  goal: SimulatedGoal,
  beliefs: Beliefs,
  signals: ContextSignals,
  options: ResolvedSimulatedWorkerOptions,
): PlannedAction | null {
  const isBlocked = (action: PlannedAction) => {
    const argumentsText = JSON.stringify(action.args);
    const key = callKey(action.name, argumentsText);
    const failedInView = signals.calls.some(
      (entry) =>
        entry.distance <= options.recentWindowTokens &&
        isFailedResult(entry.result?.content) &&
        callKey(entry.call.name, entry.call.arguments) === key,
    );
    return (
      failedInView &&
      isRepetitionVisible(
        signals,
        { name: action.name, arguments: argumentsText },
        options.recentWindowTokens,
        options.visibleRepetitionCount,
      )
    );
  };
  let action = planNextAction(goal, beliefs);
  if (action === null || !isBlocked(action)) return action;
  // First re-ground with a look; if a look since the latest failure did not change the plan, the
  // belief behind the action must be wrong: drop it and plan around it.
  const key = callKey(action.name, JSON.stringify(action.args));
  let lastFailure = -1;
  signals.calls.forEach((entry, index) => {
    if (isFailedResult(entry.result?.content) && callKey(entry.call.name, entry.call.arguments) === key) {
      lastFailure = index;
    }
  });
  const lookedSince = signals.calls.slice(lastFailure + 1).some((entry) => entry.call.name === LOOK);
  if (!lookedSince) return { name: LOOK, args: {}, step: action.step };
  for (let attempt = 0; attempt < MAX_REPLANS && action !== null && isBlocked(action); attempt++) {
    dropBeliefBehind(beliefs, action);
    action = planNextAction(goal, beliefs);
  }
  return action;
}

/** Whether the worker believes the main put happened: an object of the goal's type is in the target. */
function believesMainPutDone(beliefs: Beliefs, goal: SimulatedGoal): boolean {
  return [...beliefs.locationOf].some(
    ([object, where]) => where === goal.target && kindOf(object) === goal.type,
  );
}

function writeArguments(
  action: PlannedAction,
  signals: ContextSignals,
  tools: readonly ToolDefinition[],
  random: DecisionRandom,
  failureScale: number,
  options: ResolvedSimulatedWorkerOptions,
): string {
  if (Object.keys(action.args).length === 0) return '{}';
  const last = signals.last;
  const lastError = last?.result?.isError === true || /^\s*error\b/i.test(last?.result?.content ?? '');
  let probability = Math.min(1, options.malformedArgumentsRate * failureScale);
  if (last && lastError) {
    const tool = tools.find((candidate) => candidate.name === last.call.name);
    if (errorNamesParameters(last.result?.content ?? '', tool)) probability = 0;
    else if (!isWellFormedJsonObject(last.call.arguments)) probability = options.malformedAfterBareErrorRate;
  }
  if (random.stream('malformed')() >= probability) return JSON.stringify(action.args);
  return malformArguments(action.args, pickMalformation(random.stream('malformation')));
}

function textAnswer(goal: SimulatedGoal | undefined, beliefs: Beliefs): string {
  if (goal === undefined) return 'I do not know what my task is.';
  if (believedSatisfying(beliefs, goal).length >= goal.count) return 'The task is done.';
  return `Still to do: ${planSteps(goal).join(', ')}.`;
}

/** Decides the worker's answer to `request`: deterministic for equal requests. */
export function decideNextCall(
  request: GenerateRequest,
  options: ResolvedSimulatedWorkerOptions,
): WorkerDecision {
  const requestHash = hashRequest(request);
  const random = createDecisionRandom(requestHash);
  const perceptionOfAll = perceiveContext(request.messages);
  const failureScale = 1 + perceptionOfAll.contextTokens / options.contextPenaltyTokens;
  const scaled = (rate: number) => Math.min(1, rate * failureScale);
  const ignoresLast = random.stream('ignore-last-tool-result')() < scaled(options.ignoreLastToolResultRate);
  const messages = ignoresLast ? withoutLastToolResult(request.messages) : request.messages;
  const perception = ignoresLast ? perceiveContext(messages) : perceptionOfAll;
  const beliefs = buildBeliefs(recallFacts(perception.world, random.stream('recall'), options));
  const goal = chooseGoal(perception, random, options);
  const signals = readContextSignals(messages);
  const planPrefix = (step: number) =>
    isPlanRequested(messages) && goal !== undefined ? formatPlan(goal, step) : '';

  const toolNames = new Set(request.tools.map((tool) => tool.name));
  if (request.tools.length === 0 || request.toolChoice === 'none') {
    const prefix = planPrefix(1);
    return {
      text: `${prefix}${prefix ? ' ' : ''}${textAnswer(goal, beliefs)}`,
      call: undefined,
      requestHash,
    };
  }

  let action = goal === undefined ? null : planAroundBlocked(goal, beliefs, signals, options);
  if (goal !== undefined && action !== null && action.name !== FINISH && believesMainPutDone(beliefs, goal)) {
    // Told once that it was not done, with the goal in view, it checks before finishing again.
    const checked =
      signals.calls.some((entry) => entry.call.name === FINISH && entry.result !== undefined) &&
      perception.goals.some((fact) => isInView(fact, options));
    if (!checked && random.stream('early-finish')() < scaled(options.earlyFinishRate)) {
      action = { name: FINISH, args: {}, step: action.step };
    }
  }
  const last = signals.last;
  if (last && isFailedResult(last.result?.content)) {
    const visible = isRepetitionVisible(
      signals,
      last.call,
      options.recentWindowTokens,
      options.visibleRepetitionCount,
    );
    if (!visible && random.stream('repeat-failed')() < scaled(options.repeatFailedActionRate)) {
      const step = action?.step ?? 1;
      return {
        text: planPrefix(step),
        call: { name: last.call.name, arguments: last.call.arguments },
        requestHash,
      };
    }
  }
  if (action === null) action = { name: FINISH, args: {}, step: 1 };
  if (!toolNames.has(action.name)) {
    const fallback = [LOOK, FINISH].find((name) => toolNames.has(name)) ?? request.tools[0]!.name;
    action = { name: fallback, args: {}, step: action.step };
  }
  const argumentsText = writeArguments(action, signals, request.tools, random, failureScale, options);
  return {
    text: planPrefix(action.step),
    call: { name: action.name, arguments: argumentsText },
    requestHash,
  };
}
