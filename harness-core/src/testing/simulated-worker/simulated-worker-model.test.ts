import { afterEach, describe, expect, it, vi } from 'vitest';
import { HOUSEHOLD_TOOLS } from '../../environments/household/index.ts';
import { InputError } from '../../errors.ts';
import type { ChatMessage, GenerateRequest, GenerateResult } from '../../providers/model.ts';
import { estimateMessagesTokens } from '../../providers/model.ts';
import { createSimulatedWorkerModel } from './simulated-worker-model.ts';
import type { SimulatedWorkerOptions } from './simulated-worker-options.ts';

const SYSTEM = 'You are an agent in a household. Use the tools to complete the task.';
const KITCHEN =
  'Around you: countertop 1, countertop 2, drawer 1 (closed), sinkbasin 1, coffeemachine 1. Other rooms: living room.';
const LIVING_ROOM = 'Around you: sofa 1, shelf 1, shelf 2. Other rooms: kitchen.';
/** Every failure mode off, so a test can switch on just the one it studies. */
const QUIET: SimulatedWorkerOptions = {
  malformedArgumentsRate: 0,
  ignoreLastToolResultRate: 0,
  repeatFailedActionRate: 0,
  earlyFinishRate: 0,
};
const SEEDS = Array.from({ length: 300 }, (_, index) => index + 1);

let nextId = 0;
function turn(name: string, args: object | string, content: string, isError = false): ChatMessage[] {
  const id = `t${nextId++}`;
  const argumentsText = typeof args === 'string' ? args : JSON.stringify(args);
  return [
    { role: 'assistant', content: '', toolCalls: [{ id, name, arguments: argumentsText }] },
    { role: 'tool', toolCallId: id, name, content, isError },
  ];
}

const lookInKitchen = () => turn('look', {}, `You are in the kitchen. ${KITCHEN}`);
const enterKitchen = () => turn('go_to', { target: 'kitchen' }, `You enter the kitchen. ${KITCHEN}`);

/** `count` uneventful turns in the living room: they push earlier facts back by ~40 tokens each. */
function livingRoomPadding(count: number): ChatMessage[] {
  const out = turn('go_to', { target: 'living room' }, `You enter the living room. ${LIVING_ROOM}`);
  for (let i = 0; i < count; i++) {
    const shelf = `shelf ${1 + (i % 2)}`;
    out.push(
      ...turn(
        'go_to',
        { target: shelf },
        `You arrive at ${shelf}. On ${shelf} you see a book 1, and a pen 2.`,
      ),
    );
  }
  return out;
}

function request(messages: ChatMessage[], seed: number): GenerateRequest {
  return { messages, tools: HOUSEHOLD_TOOLS, seed };
}

async function callsOver(
  options: SimulatedWorkerOptions,
  messages: ChatMessage[],
): Promise<{ name: string; arguments: string; text: string }[]> {
  const model = createSimulatedWorkerModel(options);
  const out = [];
  for (const seed of SEEDS) {
    const result = await model.doGenerate(request(messages, seed));
    const call = result.toolCalls[0]!;
    out.push({ name: call.name, arguments: call.arguments, text: result.text });
  }
  return out;
}

const share = <T>(items: readonly T[], predicate: (item: T) => boolean) =>
  items.filter(predicate).length / items.length;

function isMalformed(argumentsText: string, allowed: string[]): boolean {
  try {
    const parsed = JSON.parse(argumentsText) as Record<string, unknown>;
    return Object.keys(parsed).some((key) => !allowed.includes(key));
  } catch {
    return true;
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('SimulatedWorkerModel: a deterministic, stateless double', () => {
  const messages: ChatMessage[] = [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: 'Your task is to: put a mug in coffeemachine 1.' },
    ...lookInKitchen(),
  ];

  it('reports itself as the simulated small model', () => {
    const model = createSimulatedWorkerModel();
    expect(model).toMatchObject({
      specificationVersion: 'v1',
      provider: 'simulated',
      modelId: 'harnessx-sim-small',
    });
    expect(Object.isFrozen(model)).toBe(true);
  });

  it('answers identical requests identically, whatever came between them', async () => {
    const model = createSimulatedWorkerModel();
    const first = await model.doGenerate(request(messages, 4));
    await model.doGenerate(
      request([...messages, ...turn('go_to', { target: 'countertop 1' }, 'Nothing happens.')], 9),
    );
    const again = await createSimulatedWorkerModel().doGenerate(request(structuredClone(messages), 4));
    expect(await model.doGenerate(request(messages, 4))).toEqual(first);
    expect(again).toEqual(first);
  });

  it('answers two contexts that are equal by value the same, even with other call ids', async () => {
    const relabel = (list: ChatMessage[]): ChatMessage[] =>
      list.map((message) => {
        if (message.role === 'assistant' && message.toolCalls) {
          return {
            ...message,
            toolCalls: message.toolCalls.map((call) => ({ ...call, id: `other-${call.id}` })),
          };
        }
        if (message.role === 'tool') return { ...message, toolCallId: `other-${message.toolCallId}` };
        return { ...message };
      });
    const model = createSimulatedWorkerModel();
    for (const seed of [1, 2, 3]) {
      expect(await model.doGenerate(request(relabel(messages), seed))).toEqual(
        await model.doGenerate(request(messages, seed)),
      );
    }
  });

  it('differs between seeds somewhere, since its randomness is seeded', async () => {
    const calls = await callsOver({ malformedArgumentsRate: 0.5 }, messages);
    expect(new Set(calls.map((call) => call.arguments)).size).toBeGreaterThan(1);
  });

  it('reads only messages, tools, tool choice and seed, and touches nothing global', async () => {
    const random = vi.spyOn(Math, 'random');
    const now = vi.spyOn(Date, 'now');
    const read = new Set<PropertyKey>();
    const frozen = Object.freeze(structuredClone(request(messages, 3)));
    const watched = new Proxy(frozen, {
      get(target, key, receiver) {
        read.add(key);
        return Reflect.get(target, key, receiver);
      },
      set() {
        throw new Error('the model wrote to its request');
      },
    });
    const result = await createSimulatedWorkerModel().doGenerate(watched);
    expect(result.toolCalls).toHaveLength(1);
    expect([...read].every((key) => ['messages', 'tools', 'seed', 'toolChoice'].includes(String(key)))).toBe(
      true,
    );
    expect(random).not.toHaveBeenCalled();
    expect(now).not.toHaveBeenCalled();
  });

  it('reports usage: the context plus tool schemas in, what it wrote out', async () => {
    const result = await createSimulatedWorkerModel().doGenerate(request(messages, 1));
    expect(result.finishReason).toBe('tool_call');
    expect(result.usage.inputTokens).toBeGreaterThan(estimateMessagesTokens(messages));
    expect(result.usage.outputTokens).toBeGreaterThan(0);
  });

  it('answers in plain text when it is given no tools', async () => {
    const result: GenerateResult = await createSimulatedWorkerModel().doGenerate({
      messages,
      tools: [],
      seed: 1,
    });
    expect(result.toolCalls).toEqual([]);
    expect(result.finishReason).toBe('stop');
    expect(result.text).toMatch(/find a mug/);
  });

  it('validates its options up front, naming the bad field', () => {
    expect(() => createSimulatedWorkerModel({ earlyFinishRate: 2 })).toThrow(InputError);
    expect(() => createSimulatedWorkerModel({ recentWindow: 3 } as SimulatedWorkerOptions)).toThrow(
      /recentWindow/,
    );
  });
});

describe('SimulatedWorkerModel: positional recall', () => {
  const goal = {
    role: 'system',
    content: `${SYSTEM}\nYour task is to: put a mug in coffeemachine 1.`,
  } as const;
  const openDrawer = [
    ...turn('go_to', { target: 'drawer 1' }, 'You arrive at drawer 1. The drawer 1 is closed.'),
    ...turn('open', { target: 'drawer 1' }, 'You open the drawer 1. In drawer 1 you see a mug 1.'),
  ];
  const usesDrawerFact = (call: { name: string; arguments: string }) =>
    call.arguments.includes('drawer 1') || call.arguments.includes('mug 1');

  it('uses a fact near the end every time, and the same fact far back much less often', async () => {
    const near = [goal, ...lookInKitchen(), ...livingRoomPadding(50), ...enterKitchen(), ...openDrawer];
    const far = [goal, ...lookInKitchen(), ...openDrawer, ...livingRoomPadding(50), ...enterKitchen()];
    const nearShare = share(await callsOver(QUIET, near), usesDrawerFact);
    const farShare = share(await callsOver(QUIET, far), usesDrawerFact);
    expect(nearShare).toBe(1);
    expect(farShare).toBeLessThan(0.5);
    expect(farShare).toBeGreaterThan(0);
  });

  it('recalls a fact restated near the end by someone else (a memory) as if it were recent', async () => {
    const far = [goal, ...lookInKitchen(), ...openDrawer, ...livingRoomPadding(50), ...enterKitchen()];
    const memory: ChatMessage = {
      role: 'user',
      content: 'Notes so far:\n* You open the drawer 1. In drawer 1 you see a mug 1.',
    };
    expect(share(await callsOver(QUIET, [...far, memory]), usesDrawerFact)).toBe(1);
  });
});

describe('SimulatedWorkerModel: malformed arguments', () => {
  const start = (padding: number): ChatMessage[] => [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: 'Your task is to: put a mug in coffeemachine 1.' },
    ...livingRoomPadding(padding),
    ...enterKitchen(),
  ];
  const malformedShare = (calls: { name: string; arguments: string }[]) =>
    share(calls, (call) => call.name === 'go_to' && isMalformed(call.arguments, ['target']));

  it('garbles arguments at about the base rate in a short context and more often in a long one', async () => {
    const options = { ...QUIET, malformedArgumentsRate: 0.07 };
    const short = malformedShare(await callsOver(options, start(0)));
    const long = malformedShare(await callsOver(options, start(100)));
    expect(short).toBeGreaterThan(0.02);
    expect(short).toBeLessThan(0.14);
    expect(long).toBeGreaterThan(short * 1.5);
  });

  it('writes a well-formed call after an error that names the parameters, however it is worded', async () => {
    const options = { ...QUIET, malformedArgumentsRate: 0.5 };
    const garbled = "{'target': 'countertop 1'}";
    for (const error of [
      'Error: go_to expects {"target": string}; arguments are not valid JSON.',
      'That did not parse. go_to takes a JSON object with one string field, target.',
    ]) {
      const calls = await callsOver(options, [...start(0), ...turn('go_to', garbled, error, true)]);
      expect(share(calls, (call) => isMalformed(call.arguments, ['target', 'object', 'source']))).toBe(0);
    }
  });

  it('garbles again about half the time after a bare JSON syntax error', async () => {
    const bare = "Error: arguments are not valid JSON: Expected property name or '}' in JSON at position 1";
    const calls = await callsOver(QUIET, [
      ...start(0),
      ...turn('go_to', "{'target': 'countertop 1'}", bare, true),
    ]);
    const again = share(calls, (call) => isMalformed(call.arguments, ['target', 'object', 'source']));
    expect(again).toBeGreaterThan(0.35);
    expect(again).toBeLessThan(0.65);
  });
});

describe('SimulatedWorkerModel: repeating a failed action', () => {
  const base: ChatMessage[] = [
    { role: 'system', content: `${SYSTEM}\nYour task is to: put a mug in coffeemachine 1.` },
    ...lookInKitchen(),
    ...turn(
      'go_to',
      { target: 'countertop 1' },
      'You arrive at countertop 1. On countertop 1 you see an apple 1.',
    ),
  ];
  const failedTake = () => turn('take', { object: 'apple 1', source: 'countertop 1' }, 'Nothing happens.');
  const repeats = (call: { name: string; arguments: string }) =>
    call.name === 'take' && call.arguments.includes('apple 1');
  const options = { ...QUIET, repeatFailedActionRate: 0.6 };

  it('repeats the exact call that just failed most of the time', async () => {
    const rate = share(await callsOver(options, [...base, ...failedTake()]), repeats);
    expect(rate).toBeGreaterThan(0.5);
    expect(rate).toBeLessThan(0.8);
  });

  it('stops once the same failure is visible three times', async () => {
    const context = [...base, ...failedTake(), ...failedTake(), ...failedTake()];
    const calls = await callsOver(options, context);
    expect(share(calls, repeats)).toBe(0);
  });

  it('re-grounds with a look, then skips the target, when its own beliefs keep proposing the failed action', async () => {
    // It believes the mug is on the countertop (a stale belief); taking it keeps failing.
    const stale: ChatMessage[] = [
      { role: 'system', content: `${SYSTEM}\nYour task is to: put a mug in coffeemachine 1.` },
      ...lookInKitchen(),
      ...turn(
        'go_to',
        { target: 'countertop 1' },
        'You arrive at countertop 1. On countertop 1 you see a mug 1.',
      ),
    ];
    const failedTakeMug = () => turn('take', { object: 'mug 1', source: 'countertop 1' }, 'Nothing happens.');
    const visible = [...stale, ...failedTakeMug(), ...failedTakeMug(), ...failedTakeMug()];
    const afterThree = await callsOver(options, visible);
    expect(share(afterThree, (call) => call.name === 'look')).toBe(1);
    const backAtCountertop = [
      ...visible,
      ...lookInKitchen(),
      ...turn(
        'go_to',
        { target: 'countertop 1' },
        'You arrive at countertop 1. On countertop 1 you see a mug 1.',
      ),
    ];
    const afterLook = await callsOver(options, backAtCountertop);
    expect(share(afterLook, (call) => call.name === 'take' || call.name === 'look')).toBe(0);
    expect(
      share(afterLook, (call) => call.name === 'go_to' && !call.arguments.includes('countertop 1')),
    ).toBe(1);
  });

  it('stops as soon as a message names the action, whatever its wording', async () => {
    for (const nudge of [
      'Note: you have tried take with object "apple 1" and source "countertop 1" 2 times and it failed every time.',
      'Heads up: the take of apple 1 from countertop 1 did not work.',
    ]) {
      const calls = await callsOver(options, [...base, ...failedTake(), { role: 'user', content: nudge }]);
      expect(share(calls, repeats)).toBe(0);
    }
  });

  it('keeps repeating when a message names some other action', async () => {
    const nudge: ChatMessage = { role: 'user', content: 'Note: open with target "drawer 1" failed twice.' };
    expect(share(await callsOver(options, [...base, ...failedTake(), nudge]), repeats)).toBeGreaterThan(0.5);
  });
});

describe('SimulatedWorkerModel: ignoring the last tool result', () => {
  it('acts as if the last result had not arrived when it ignores it', async () => {
    const context: ChatMessage[] = [
      { role: 'system', content: `${SYSTEM}\nYour task is to: put a mug in coffeemachine 1.` },
      ...lookInKitchen(),
      ...turn(
        'go_to',
        { target: 'countertop 1' },
        'You arrive at countertop 1. On countertop 1 you see a mug 1.',
      ),
      ...turn(
        'take',
        { object: 'mug 1', source: 'countertop 1' },
        'You pick up the mug 1 from the countertop 1.',
      ),
    ];
    const takesAgain = (call: { name: string }) => call.name === 'take';
    expect(share(await callsOver({ ...QUIET, ignoreLastToolResultRate: 1 }, context), takesAgain)).toBe(1);
    expect(share(await callsOver(QUIET, context), takesAgain)).toBe(0);
  });
});

describe('SimulatedWorkerModel: goal and plan', () => {
  const goalSentence = 'Your task is to: put a clean mug in coffeemachine 1.';
  const holdingDirtyMugAtSink = [
    ...enterKitchen(),
    ...turn(
      'go_to',
      { target: 'countertop 1' },
      'You arrive at countertop 1. On countertop 1 you see a mug 1.',
    ),
    ...turn(
      'take',
      { object: 'mug 1', source: 'countertop 1' },
      'You pick up the mug 1 from the countertop 1.',
    ),
    ...turn('go_to', { target: 'sinkbasin 1' }, 'You arrive at sinkbasin 1. In sinkbasin 1 you see nothing.'),
  ];
  const cleans = (call: { name: string }) => call.name === 'clean';

  it('drops the state modifier once the goal sentence has scrolled far back', async () => {
    const context = [
      { role: 'system', content: SYSTEM } as const,
      { role: 'user', content: goalSentence } as const,
      ...livingRoomPadding(60),
      ...holdingDirtyMugAtSink,
    ];
    expect(share(await callsOver(QUIET, context), cleans)).toBeLessThan(0.4);
  });

  it('keeps the whole goal when it is copied into the system prompt, however it is introduced', async () => {
    for (const system of [`${SYSTEM}\n\nYour task: ${goalSentence}`, `GOAL -> ${goalSentence}\n${SYSTEM}`]) {
      const context = [
        { role: 'system', content: system } as const,
        { role: 'user', content: goalSentence } as const,
        ...livingRoomPadding(60),
        ...holdingDirtyMugAtSink,
      ];
      expect(share(await callsOver(QUIET, context), cleans)).toBe(1);
    }
  });

  it('keeps the subgoals of a plan it wrote that is still in view', async () => {
    const plan =
      'Plan: 1) find a mug 2) clean it at a sinkbasin 3) put it in coffeemachine 1 4) finish. Next: step 2.';
    const context: ChatMessage[] = [
      { role: 'system', content: `${SYSTEM} Before acting, write a short plan and keep it updated.` },
      { role: 'user', content: goalSentence },
      ...livingRoomPadding(60),
      ...holdingDirtyMugAtSink.slice(0, -2),
      {
        role: 'assistant',
        content: plan,
        toolCalls: [{ id: 'p1', name: 'go_to', arguments: '{"target":"sinkbasin 1"}' }],
      },
      {
        role: 'tool',
        toolCallId: 'p1',
        name: 'go_to',
        content: 'You arrive at sinkbasin 1. In sinkbasin 1 you see nothing.',
      },
    ];
    const calls = await callsOver(QUIET, context);
    expect(share(calls, cleans)).toBe(1);
    expect(calls[0]?.text).toBe(plan);
  });

  it('writes a plan only when asked to plan', async () => {
    const context: ChatMessage[] = [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: goalSentence },
    ];
    const model = createSimulatedWorkerModel(QUIET);
    expect((await model.doGenerate(request(context, 1))).text).toBe('');
    const asked = [...context, { role: 'user', content: 'Plan your next steps first.' } as const];
    expect((await model.doGenerate(request(asked, 1))).text).toMatch(/^Plan: 1\) find a mug 2\) clean it/);
  });
});

describe('SimulatedWorkerModel: finishing early', () => {
  const goalSentence = 'Your task is to: put two apples in fridge 1.';
  const afterFirstPut: ChatMessage[] = [
    { role: 'system', content: `${SYSTEM}\n${goalSentence}` },
    ...lookInKitchen(),
    ...turn(
      'go_to',
      { target: 'countertop 1' },
      'You arrive at countertop 1. On countertop 1 you see an apple 1, and an apple 2.',
    ),
    ...turn(
      'take',
      { object: 'apple 1', source: 'countertop 1' },
      'You pick up the apple 1 from the countertop 1.',
    ),
    ...turn('go_to', { target: 'fridge 1' }, 'You arrive at fridge 1. The fridge 1 is closed.'),
    ...turn('open', { target: 'fridge 1' }, 'You open the fridge 1. In fridge 1 you see nothing.'),
    ...turn('put', { object: 'apple 1', target: 'fridge 1' }, 'You put the apple 1 in the fridge 1.'),
  ];
  const options = { ...QUIET, earlyFinishRate: 0.12 };

  it('sometimes finishes with the second object missing', async () => {
    const rate = share(await callsOver(options, afterFirstPut), (call) => call.name === 'finish');
    expect(rate).toBeGreaterThan(0.05);
    expect(rate).toBeLessThan(0.3);
  });

  it('checks the goal instead once a finish was answered and the goal is in view', async () => {
    const context = [...afterFirstPut, ...turn('finish', {}, `Check the task again: ${goalSentence}`)];
    const calls = await callsOver(options, context);
    expect(share(calls, (call) => call.name === 'finish')).toBe(0);
    expect(share(calls, (call) => call.arguments.includes('countertop 1'))).toBe(1);
  });
});
