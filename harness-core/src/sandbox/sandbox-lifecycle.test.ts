/** Sessions are freed: at taskEnd, when an episode is abandoned, and when a worker dies. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import type { HookArgs } from '../harness/hooks.ts';
import { type CodeProcessorRef, sha256Hex } from './code-processor-contract.ts';
import { createCodeProcessorDefinition } from './code-processor-definition.ts';
import { DEFAULT_SANDBOX_LIMITS } from './sandbox-limits.ts';
import {
  SandboxSession,
  sandboxUsage,
  sandboxWorkerStats,
  shutdownSandboxWorkers,
} from './sandbox-session.ts';
import { SandboxWorkerClient } from './sandbox-worker-client.ts';

afterAll(() => shutdownSandboxWorkers());

function codeRef(source: string, id = 'evolved-lifecycle'): CodeProcessorRef {
  return { id, code: { language: 'js', source, sha256: sha256Hex(source) }, options: {} };
}

function hookArgs(seed: number, emitted: unknown[] = []): HookArgs['modelRequest'] & HookArgs['taskEnd'] {
  return {
    episode: { seed },
    messages: [{ role: 'user', content: 'hello' }],
    outcome: 'success',
    success: true,
    reward: 1,
    emit: (name: string, attributes: unknown) => emitted.push([name, attributes]),
  } as unknown as HookArgs['modelRequest'] & HookArgs['taskEnd'];
}

const COUNTER = `let calls = 0; const processor = {
  modelRequest(args) { calls += 1; return { type: 'request', appendUserMessage: 'seed ' + args.episode.seed + ' call ' + calls }; },
  taskEnd() { emit('episode-ended', { calls }); },
};`;

describe('session lifecycle', () => {
  it('frees every session over a thousand episodes', async () => {
    const definition = createCodeProcessorDefinition(codeRef(COUNTER));
    const rssBefore = process.memoryUsage().rss;
    for (let episode = 0; episode < 1000; episode += 1) {
      const hooks = definition.create({});
      const emitted: unknown[] = [];
      const args = hookArgs(episode, emitted);
      const patch = await hooks.modelRequest!(args);
      expect(patch).toEqual({ type: 'request', appendUserMessage: `seed ${episode} call 1` });
      await hooks.taskEnd!(args);
      expect(emitted).toEqual([['episode-ended', { calls: 1 }]]);
    }
    expect(sandboxUsage().openSessions).toBe(0);
    const stats = await sandboxWorkerStats();
    expect(stats.sessions).toBe(0);
    expect(stats.idleInstances).toBeLessThanOrEqual(4);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
  }, 60_000);

  it('keeps concurrent episodes of the same processor apart', async () => {
    const definition = createCodeProcessorDefinition(codeRef(COUNTER));
    const episodes = [definition.create({}), definition.create({})];
    const first = await Promise.all(episodes.map((hooks, index) => hooks.modelRequest!(hookArgs(index))));
    const second = await episodes[0]!.modelRequest!(hookArgs(0));
    expect(first).toEqual([
      { type: 'request', appendUserMessage: 'seed 0 call 1' },
      { type: 'request', appendUserMessage: 'seed 1 call 1' },
    ]);
    expect(second).toEqual({ type: 'request', appendUserMessage: 'seed 0 call 2' });
    await Promise.all(episodes.map((hooks, index) => hooks.taskEnd!(hookArgs(index))));
    expect(sandboxUsage().openSessions).toBe(0);
  });

  it('closes the session of an episode that never reaches taskEnd once it is garbage', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const definition = createCodeProcessorDefinition(codeRef(`${COUNTER}\n// abandoned`));
    await (async () => {
      const hooks = definition.create({});
      await hooks.modelRequest!(hookArgs(1));
    })();
    expect(sandboxUsage().openSessions).toBe(1);
    for (let attempt = 0; attempt < 50 && sandboxUsage().openSessions > 0; attempt += 1) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(sandboxUsage().openSessions).toBe(0);
    expect((await sandboxWorkerStats()).sessions).toBe(0);
  });

  it('kills the sibling sessions when a call runs past the hard limit, then recovers', async () => {
    const source = `const big = 'x'.repeat(1e6);
      const processor = { turnStart(args) { if (args.spin) { while (true) big.indexOf('y'); } return { type: 'history', messages: [] }; } };`;
    const limits = { ...DEFAULT_SANDBOX_LIMITS, hardLimitGraceMs: 100 };
    const options = { processorId: 'evolved-siblings', source, sha256: sha256Hex(source), seed: 1, limits };
    const [spinner, sibling] = await Promise.all([
      SandboxSession.open(options),
      SandboxSession.open(options),
    ]);
    await expect(spinner.call('turnStart', '{"spin":true}')).rejects.toMatchObject({
      code: 'SANDBOX_TIMEOUT',
    });
    await expect(sibling.call('turnStart', '{}')).rejects.toMatchObject({ code: 'SANDBOX_CRASHED' });
    const fresh = await SandboxSession.open(options);
    expect((await fresh.call('turnStart', '{}')).patchJson).toBe('{"type":"history","messages":[]}');
    for (const session of [spinner, sibling, fresh]) session.close();
    expect(sandboxUsage().openSessions).toBe(0);
  });
});

describe('SandboxWorkerClient', () => {
  it('shuts an idle worker down and starts a new one on demand', async () => {
    let shutdowns = 0;
    const client = new SandboxWorkerClient({ idleMs: 30, onIdleShutdown: () => (shutdowns += 1) });
    expect(await client.stats()).toEqual({ sessions: 0, idleInstances: 0 });
    await client.request({ op: 'stats' }, 5000);
    expect(client.running).toBe(true);
    const generation = client.generation;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(client.running).toBe(false);
    expect(shutdowns).toBe(1);
    expect(client.generation).toBe(generation + 1);
    await client.request({ op: 'stats' }, 5000);
    expect(client.running).toBe(true);
    await client.terminate();
  });

  it('reports an unknown request from the worker as a coded failure', async () => {
    const client = new SandboxWorkerClient();
    await expect(client.request({ op: 'format-disk' }, 5000)).rejects.toMatchObject({
      code: 'SANDBOX_CRASHED',
    });
    await expect(
      client.request({ op: 'call', sessionId: 999, hook: 'turnStart', argsJson: '{}' }, 5000),
    ).rejects.toMatchObject({
      code: 'SANDBOX_CLOSED',
    });
    await client.terminate();
  });
});
