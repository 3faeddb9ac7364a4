import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ProcessorDefinition } from '../../../harness/processor.ts';
import { parseHarnessSpec } from '../../../harness/spec.ts';
import { insertionIndex, sameJson, singletonHolder } from './spec-access.ts';

const spec = parseHarnessSpec({
  schemaVersion: 'harnessx.harness/1',
  name: 'test-harness',
  models: { worker: { provider: 'simulated', model: 'sim' } },
  processors: [{ id: 'goal-pin' }, { id: 'context-compaction' }],
});

const otherCompaction: ProcessorDefinition<unknown> = {
  id: 'summary-compaction',
  version: 1,
  description: 'a second compaction strategy (test definition)',
  dimension: 'context-compaction',
  singletonGroup: 'compaction',
  optionsSchema: z.unknown(),
  create: () => ({}),
};

describe('spec access helpers', () => {
  it('finds the processor already holding a singleton group', () => {
    expect(singletonHolder(spec, otherCompaction)).toBe('context-compaction');
    expect(singletonHolder(spec, otherCompaction, 'context-compaction')).toBeUndefined();
    expect(singletonHolder(spec, { ...otherCompaction, singletonGroup: undefined })).toBeUndefined();
  });

  it('places an insertion before, after or at the end', () => {
    expect(insertionIndex('add-processor', spec, {})).toBe(2);
    expect(insertionIndex('add-processor', spec, { before: 'goal-pin' })).toBe(0);
    expect(insertionIndex('add-processor', spec, { after: 'goal-pin' })).toBe(1);
    expect(() => insertionIndex('add-processor', spec, { after: 'loop-guard' })).toThrow(
      /not in the harness/,
    );
  });

  it('compares JSON regardless of key order', () => {
    expect(sameJson({ a: 1, b: [1, { c: 2, d: 3 }] }, { b: [1, { d: 3, c: 2 }], a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 2 })).toBe(false);
  });
});
