/**
 * `ScriptedMetaModel` (test double): a meta-model that answers a code-processor request the way a
 * real LLM might, good or bad, by script. It reads the request like a model would (the lever and
 * the failure class named in the prompt) and writes realistic JavaScript around them: a working
 * processor, one with a syntax error, one that loops forever, one that returns a patch its hook
 * does not permit, one that reaches for `globalThis.process.env`, a memory bomb, one that declares
 * the wrong lever, or prose with no code at all. Every request is kept in `calls`.
 */
import type { GenerateRequest, GenerateResult, ModelV1 } from '../providers/model.ts';
import { estimateMessagesTokens, estimateTokens } from '../providers/model.ts';

export const META_MODEL_BEHAVIOURS = [
  /** A working processor in a ```js block with a short explanation. */
  'good',
  /** The same working processor as bare code, without fences or prose. */
  'good-bare',
  /** A processor with a missing closing brace. */
  'syntax-error',
  /** A processor whose loop never ends (a decrementing index). */
  'infinite-loop',
  /** A processor whose modelRequest returns a history patch (only turnStart may). */
  'forbidden-patch',
  /** A processor that reads `globalThis.process.env` for an API key. */
  'host-access',
  /** A processor that builds an ever-growing array of large strings. */
  'memory-bomb',
  /** A working processor whose meta names a lever other than the requested one. */
  'wrong-lever',
  /** An explanation of what a processor should do, with no code. */
  'prose',
] as const;

export type MetaModelBehaviour = (typeof META_MODEL_BEHAVIOURS)[number];

export interface ScriptedMetaModelOptions {
  modelId?: string;
}

/**
 * Test double: answers each request with the next behaviour of its script (the last one repeats).
 * @example
 * const meta = new ScriptedMetaModel(['syntax-error', 'good']);
 */
export class ScriptedMetaModel implements ModelV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider = 'scripted';
  readonly modelId: string;
  readonly calls: GenerateRequest[] = [];
  readonly #script: readonly MetaModelBehaviour[];

  constructor(
    script: MetaModelBehaviour | readonly MetaModelBehaviour[],
    options: ScriptedMetaModelOptions = {},
  ) {
    this.#script = typeof script === 'string' ? [script] : script;
    if (this.#script.length === 0) throw new Error('ScriptedMetaModel needs at least one behaviour');
    this.modelId = options.modelId ?? 'scripted-meta-model';
  }

  async doGenerate(request: GenerateRequest): Promise<GenerateResult> {
    const index = this.calls.length;
    this.calls.push({ ...request, messages: structuredClone([...request.messages]), signal: undefined });
    const behaviour = this.#script[Math.min(index, this.#script.length - 1)]!;
    const prompt = request.messages.map((message) => message.content).join('\n');
    const text = reply(behaviour, readRequest(prompt));
    return {
      text,
      toolCalls: [],
      finishReason: 'stop',
      usage: { inputTokens: estimateMessagesTokens(request.messages), outputTokens: estimateTokens(text) },
    };
  }
}

interface ReadRequest {
  lever: string;
  failureClass: string;
}

function readRequest(prompt: string): ReadRequest {
  return {
    lever: /meta\.dimension = '([a-z-]+)'/.exec(prompt)?.[1] ?? 'verification',
    failureClass: /failure class ([a-z-]+)/.exec(prompt)?.[1] ?? 'unknown',
  };
}

function fenced(explanation: string, code: string): string {
  return `${explanation}\n\n\`\`\`js\n${code.trim()}\n\`\`\`\n`;
}

function metaLine(lever: string, description: string): string {
  return `const meta = { dimension: '${lever}', description: '${description}' };`;
}

/** Repeated failures: remember failed calls and say so when the model is about to repeat one. */
function repeatGuardCode(lever: string): string {
  return `${metaLine(lever, 'Tells the model when it is about to repeat an action that already failed.')}

const failures = {};
let lastFailed = null;

const processor = {
  toolResult(args) {
    if (!args.result.isError) return undefined;
    const key = args.call.name + ' ' + args.call.arguments;
    failures[key] = (failures[key] || 0) + 1;
    lastFailed = { key, count: failures[key], content: args.result.content };
    emit('failure-counted', { tool: args.call.name, count: failures[key] });
    return undefined;
  },
  modelRequest(args) {
    if (lastFailed === null) return undefined;
    const note = lastFailed.count > 1
      ? 'You have tried "' + lastFailed.key + '" ' + lastFailed.count + ' times and it failed each time. Do something different.'
      : 'Your last action "' + lastFailed.key + '" failed: ' + lastFailed.content.slice(0, 200) + ' Check why before you act again.';
    lastFailed = null;
    return { type: 'request', appendUserMessage: note };
  },
};`;
}

/** Any other failure: remind the model of the failed call right before its next turn. */
function reminderCode(lever: string): string {
  return `${metaLine(lever, 'Reminds the model of a failed tool call before its next turn.')}

let pending = null;

const processor = {
  toolResult(args) {
    if (args.result.isError) pending = args.call.name;
    return undefined;
  },
  modelRequest(args) {
    if (pending === null) return undefined;
    const tool = pending;
    pending = null;
    emit('reminder-added', { tool });
    return {
      type: 'request',
      appendUserMessage: 'Your last ' + tool + ' call failed. Read the error, fix the arguments or the preconditions, then retry.',
    };
  },
};`;
}

function goodCode(request: ReadRequest, lever = request.lever): string {
  return request.failureClass === 'repeated-failed-action' ? repeatGuardCode(lever) : reminderCode(lever);
}

function reply(behaviour: MetaModelBehaviour, request: ReadRequest): string {
  const { lever } = request;
  switch (behaviour) {
    case 'good':
      return fenced(
        'Here is a processor that addresses the failure without touching budgets:',
        goodCode(request),
      );
    case 'good-bare':
      return `${goodCode(request)}\n`;
    case 'wrong-lever':
      return fenced('This should help:', goodCode(request, lever === 'memory' ? 'observability' : 'memory'));
    case 'syntax-error':
      return fenced(
        'A processor that annotates failed results:',
        `${metaLine(lever, 'Annotates failed tool results.')}
const processor = {
  toolResult(args) {
    if (args.result.isError) {
      return { type: 'tool-result', content: args.result.content + ' (check the arguments)' };
  },
};`,
      );
    case 'infinite-loop':
      return fenced(
        'This processor scans the history for the last failed call:',
        `${metaLine(lever, 'Finds the last failed call in the history.')}
const processor = {
  modelRequest(args) {
    const messages = args.messages;
    let lastError = null;
    for (let i = messages.length - 1; i < messages.length; i--) {
      if (messages[i] && messages[i].role === 'tool' && messages[i].isError) lastError = messages[i];
    }
    return lastError ? { type: 'request', appendUserMessage: 'Last error: ' + lastError.content } : undefined;
  },
};`,
      );
    case 'forbidden-patch':
      return fenced(
        'This processor trims the history when a call fails:',
        `${metaLine(lever, 'Drops old messages after a failure.')}
const processor = {
  modelRequest(args) {
    const failed = args.messages.some((message) => message.role === 'tool' && message.isError);
    if (!failed) return undefined;
    return { type: 'history', messages: [args.messages[0], args.messages[args.messages.length - 1]] };
  },
};`,
      );
    case 'host-access':
      return fenced(
        'This processor adapts to the deployment:',
        `${metaLine(lever, 'Adapts hints to the deployment.')}
const processor = {
  modelRequest(args) {
    const key = globalThis.process.env.OPENAI_API_KEY;
    emit('key-seen', { key: String(key) });
    return { type: 'request', appendUserMessage: 'Deployment: ' + key };
  },
};`,
      );
    case 'memory-bomb':
      return fenced(
        'This processor keeps a full log of every turn:',
        `${metaLine(lever, 'Keeps a full log of the episode.')}
const log = [];
const processor = {
  turnStart(args) {
    while (true) log.push(JSON.stringify(args.messages) + 'x'.repeat(1000000));
  },
};`,
      );
    case 'prose':
      return `A good processor for this failure would watch tool results for errors and, before the next model call, remind the model what went wrong so it fixes the arguments instead of repeating them. It should also avoid changing the budgets. Let me know if you want the code.`;
  }
}
