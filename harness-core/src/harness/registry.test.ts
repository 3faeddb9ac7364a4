import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InputError } from '../errors.ts';
import { defineProcessor, type ProcessorOrder } from './processor.ts';
import { ProcessorRegistry } from './registry.ts';

function fake(id: string, extra: { order?: ProcessorOrder; after?: string[]; singletonGroup?: string } = {}) {
  return defineProcessor({
    id,
    version: 1,
    description: id,
    dimension: 'observability',
    optionsSchema: z.object({ level: z.number().int().min(0).default(1) }).strict(),
    create: () => ({}),
    ...extra,
  });
}

const refs = (...ids: string[]) => ids.map((id) => ({ id, version: 1, options: {} }));

describe('ProcessorRegistry', () => {
  it('orders by rank, then after-constraints, then spec position, deterministically', () => {
    const registry = new ProcessorRegistry()
      .register(fake('late', { order: 'post' }))
      .register(fake('early', { order: 'pre' }))
      .register(fake('needs-b', { after: ['b'] }))
      .register(fake('b'));
    const order = registry.resolve(refs('late', 'needs-b', 'b', 'early')).map((p) => p.id);
    expect(order).toEqual(['early', 'b', 'needs-b', 'late']);
    expect(registry.resolve(refs('late', 'needs-b', 'b', 'early')).map((p) => p.id)).toEqual(order);
  });

  it('rejects after-cycles with an error naming the processors', () => {
    const registry = new ProcessorRegistry()
      .register(fake('alpha', { after: ['beta'] }))
      .register(fake('beta', { after: ['gamma'] }))
      .register(fake('gamma', { after: ['alpha'] }));
    expect(() => registry.resolve(refs('alpha', 'beta', 'gamma'))).toThrow(
      /cycle: alpha -> beta -> gamma -> alpha/,
    );
  });

  it('rejects two processors of one singleton group, unknown ids, duplicates and bad options', () => {
    const registry = new ProcessorRegistry()
      .register(fake('compact-a', { singletonGroup: 'compaction' }))
      .register(fake('compact-b', { singletonGroup: 'compaction' }));
    expect(() => registry.resolve(refs('compact-a', 'compact-b'))).toThrow(/singleton group "compaction"/);
    expect(() => registry.resolve(refs('nope'))).toThrow(/unknown processor "nope"/);
    expect(() => registry.resolve(refs('compact-a', 'compact-a'))).toThrow(/already appears/);
    try {
      registry.resolve([{ id: 'compact-a', version: 1, options: { level: -1 } }], 'h.yaml');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).issues[0]?.path).toBe('processors[0].options.level');
    }
  });

  it('fills option defaults and gives each episode fresh hooks', () => {
    let created = 0;
    const registry = new ProcessorRegistry().register(
      defineProcessor({
        id: 'counting',
        version: 1,
        description: '',
        dimension: 'memory',
        optionsSchema: z.object({ level: z.number().default(3) }).strict(),
        create: (options) => {
          created += options.level;
          return {};
        },
      }),
    );
    const [resolved] = registry.resolve(refs('counting'));
    resolved?.instantiate();
    resolved?.instantiate();
    expect(created).toBe(6);
  });

  it('resolves code processors through the injected factory and reports its refusals at the path', () => {
    const registry = new ProcessorRegistry().register(fake('goal-pin'));
    const code = { language: 'js' as const, source: 'var processor = {};', sha256: 'a'.repeat(64) };
    expect(() => registry.resolve([{ id: 'evolved-x', code, options: {} }])).toThrow(
      /needs the sandbox executor/,
    );
    const resolved = registry.resolve([{ id: 'evolved-x', code, options: {} }], 'h.yaml', {
      codeProcessor: (ref) => fake(ref.id),
    });
    expect(resolved.map((p) => p.id)).toEqual(['evolved-x']);
    expect(() =>
      registry.resolve([{ id: 'evolved-x', code, options: {} }], 'h.yaml', {
        codeProcessor: () => {
          throw new Error('sha256 does not match the source');
        },
      }),
    ).toThrow(/processors\[0\]\.code: sha256 does not match/);
    expect(() =>
      registry.resolve([{ id: 'goal-pin', code, options: {} }], 'h.yaml', {
        codeProcessor: (ref) => fake(ref.id),
      }),
    ).toThrow(/taken by a built-in/);
  });
});
