import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { orderRank, PROCESSOR_DIMENSIONS } from '../harness/processor.ts';
import { builtinProcessors, createBuiltinRegistry } from './index.ts';

describe('builtin processors', () => {
  it('has at least 14 processors with unique literal ids matching their files', () => {
    const ids = builtinProcessors.map((definition) => definition.id);
    expect(ids.length).toBeGreaterThanOrEqual(14);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^[a-z][a-z0-9-]+$/);
      expect(existsSync(fileURLToPath(new URL(`./${id}.ts`, import.meta.url)))).toBe(true);
      expect(existsSync(fileURLToPath(new URL(`./${id}.test.ts`, import.meta.url)))).toBe(true);
    }
  });

  it.each(builtinProcessors.map((definition) => [definition.id, definition] as const))(
    '%s: version 1, a description, a known dimension, and options that parse from {} and reject unknown keys',
    (_id, definition) => {
      expect(definition.version).toBe(1);
      expect(definition.description.length).toBeGreaterThan(20);
      expect(PROCESSOR_DIMENSIONS).toContain(definition.dimension);
      expect(definition.optionsSchema.safeParse({}).success).toBe(true);
      expect(definition.optionsSchema.safeParse({ notAnOption: 1 }).success).toBe(false);
      const jsonSchema = z.toJSONSchema(definition.optionsSchema as z.ZodType, { io: 'input' }) as {
        properties?: Record<string, { description?: string; default?: unknown }>;
      };
      for (const [name, property] of Object.entries(jsonSchema.properties ?? {})) {
        expect(property.description, `${definition.id}.${name} description`).toBeTruthy();
        expect(property.default, `${definition.id}.${name} default`).not.toBeUndefined();
      }
      expect(() => definition.create(definition.optionsSchema.parse({}))).not.toThrow();
    },
  );

  it('resolves a harness using every processor (one per singleton group) in a deterministic order', () => {
    const registry = createBuiltinRegistry();
    const refs = builtinProcessors.map((definition) => ({ id: definition.id, version: 1, options: {} }));
    const resolved = registry.resolve(refs).map((processor) => processor.id);
    expect(resolved).toHaveLength(refs.length);
    expect(resolved.indexOf('tool-argument-repair')).toBeLessThan(
      resolved.indexOf('dangerous-tool-approval'),
    );
    expect(resolved.indexOf('tool-retry')).toBeLessThan(resolved.indexOf('failure-reflection'));
    expect(registry.resolve(refs).map((processor) => processor.id)).toEqual(resolved);
    const rank = (id: string) =>
      orderRank(builtinProcessors.find((definition) => definition.id === id)?.order);
    const ranks = resolved.map(rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  it('rejects bad options with the path of the option', () => {
    expect(() =>
      createBuiltinRegistry().resolve(
        [{ id: 'loop-guard', version: 1, options: { maxRepeats: 0 } }],
        'h.yaml',
      ),
    ).toThrow(/processors\[0\]\.options\.maxRepeats/);
  });
});
