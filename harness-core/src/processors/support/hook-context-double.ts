/**
 * Test double for `HookContext`: builds the args object a hook receives so that a processor's
 * handlers can be unit-tested without the runtime. `emitted` and `slept` record the effects.
 */
import type { EpisodeView, HookContext } from '../../harness/hooks.ts';
import { budgetsSchema } from '../../harness/spec.ts';
import type { ChatMessage, ToolDefinition } from '../../providers/model.ts';

/** A `HookContext` that records what a processor emitted and how long it asked to sleep. */
export interface HookContextDouble extends HookContext {
  readonly emitted: { name: string; attributes: Record<string, string | number | boolean> }[];
  readonly slept: number[];
}

/** Fields of the episode view a test sets; the rest take defaults. */
export interface EpisodeViewOverrides {
  instruction?: string;
  turn?: number;
  budgets?: Partial<EpisodeView['budgets']>;
  usage?: Partial<EpisodeView['usage']>;
  messages?: readonly ChatMessage[];
  tools?: readonly ToolDefinition[];
  lastModelError?: { type: string; message: string };
}

/** A context double over an episode view with sensible defaults; `random` is a fixed sequence. */
export function createHookContextDouble(overrides: EpisodeViewOverrides = {}): HookContextDouble {
  const emitted: HookContextDouble['emitted'] = [];
  const slept: number[] = [];
  let draws = 0;
  const episode: EpisodeView = {
    task: {
      id: 'task-1',
      suite: 'scripted',
      instruction: overrides.instruction ?? 'put the apple in the fridge',
    },
    turn: overrides.turn ?? 0,
    seed: 1,
    budgets: { ...budgetsSchema.parse({}), ...overrides.budgets },
    usage: { inputTokens: 0, outputTokens: 0, toolCalls: 0, turns: 0, elapsedMs: 0, ...overrides.usage },
    messages: overrides.messages ?? [],
    tools: overrides.tools ?? [],
    ...(overrides.lastModelError ? { lastModelError: overrides.lastModelError } : {}),
  };
  return {
    episode,
    emitted,
    slept,
    emit(name, attributes = {}) {
      emitted.push({ name, attributes });
    },
    random() {
      draws++;
      return (draws * 0.618_033_988_75) % 1;
    },
    async sleep(ms) {
      slept.push(ms);
    },
  };
}
