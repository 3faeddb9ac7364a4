import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.ts';
import { parseHarnessSpec } from '../../harness/spec.ts';
import { type Digest, digestArtifact } from '../artifacts/digest.ts';
import type { LeverHistory, Plan } from '../artifacts/plan.ts';
import { planCycle } from './plan-cycle.ts';

/** A `harnessx.digest/1` as an older store holds it: read, it is upgraded to /2. */
const storedV1 = JSON.parse(
  readFileSync(new URL('./test-data/digest-early-finish-loop.json', import.meta.url), 'utf8'),
) as unknown;
const digest = digestArtifact.parse(storedV1);

const baseline = parseHarnessSpec({
  schemaVersion: 'harnessx.harness/1',
  name: 'household-baseline',
  models: { worker: { provider: 'simulated', model: 'harnessx-sim-small' } },
  slots: { systemPrompt: 'You are an agent acting in a household. Call finish when the task is done.' },
  budgets: { maxTurns: 30, maxTokens: 200000, maxToolCalls: 40, wallClockMs: 300000 },
});

const input = {
  cycleId: 'household-c001',
  digestKey: 'digests/household-c001/digest.json',
  digest,
  current: baseline,
};

const edits = (plan: Plan) =>
  plan.hypotheses.map((h) => `${h.edit.operator} ${JSON.stringify(h.edit.params)}`);

describe('planCycle', () => {
  it('ranks the primary fix of the most actionable cluster first, with ids, ranks and clusters', () => {
    const plan = planCycle({ ...input, leverHistory: [] });
    expect(edits(plan)).toEqual([
      'add-verification {}',
      'add-processor {"id":"loop-guard"}',
      'add-processor {"id":"failure-reflection"}',
      expect.stringMatching(/^append-system-prompt .*Before you call finish/),
      expect.stringMatching(/^append-system-prompt .*do not repeat it unchanged/),
      'set-memory {"kind":"episode"}',
      'add-processor {"id":"goal-pin"}',
      'set-compaction {"maxContextTokens":1500}',
    ]);
    expect(plan.hypotheses.map((h) => h.id)).toEqual(
      Array.from({ length: 8 }, (_, index) => `household-c001-h${index + 1}`),
    );
    expect(plan.hypotheses.map((h) => h.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(plan.hypotheses[0]).toMatchObject({
      lever: 'verification',
      kind: 'structural',
      targetCluster: 'early-finish:finish',
      score: 0.4,
    });
    expect(plan.hypotheses[3]).toMatchObject({ kind: 'prompt', lever: 'verification' });
    expect(plan.hypotheses[1]?.rationale).toMatch(
      /5 repeated-failed-action failure\(s\) on 3 task\(s\) at take/,
    );
    expect(plan.digestKey).toBe('digests/household-c001/digest.json');
  });

  it('predicts unlocks (never solved), stabilised (flaky) and at-risk (long solved) tasks', () => {
    const [first, second] = planCycle({ ...input, leverHistory: [] }).hypotheses;
    expect(first?.predicted).toEqual({
      unlock: ['household-002', 'household-008', 'household-011'],
      stabilise: ['household-005'],
      atRisk: ['household-007', 'household-009'],
    });
    expect(second?.predicted).toEqual({
      unlock: ['household-003', 'household-006'],
      stabilise: ['household-009'],
      atRisk: ['household-007'],
    });
  });

  it('gives the top slots to structural hypotheses up to the quota', () => {
    const noLoops: Digest = {
      ...digest,
      clusters: digest.clusters.filter((c) => c.failureClass !== 'repeated-failed-action'),
    };
    const kinds = (quota: number) =>
      planCycle({
        ...input,
        digest: noLoops,
        leverHistory: [],
        options: { structuralQuota: quota },
      }).hypotheses.map((h) => `${h.kind}:${h.edit.operator}`);
    expect(kinds(3)).toEqual([
      'structural:add-verification',
      'structural:set-memory',
      'structural:add-processor',
      'prompt:append-system-prompt',
      'structural:set-compaction',
    ]);
    // With a quota of one, the prompt edit's higher score wins rank 2.
    expect(kinds(1)).toEqual([
      'structural:add-verification',
      'prompt:append-system-prompt',
      'structural:set-memory',
      'structural:add-processor',
      'structural:set-compaction',
    ]);
  });

  it('plans the same from a stored /1 digest as from its /2 form', () => {
    expect(digest.schemaVersion).toBe('harnessx.digest/2');
    const fromV1 = planCycle({ ...input, digest: storedV1 as Digest, leverHistory: [] });
    const fromV2 = planCycle({ ...input, digest: JSON.parse(JSON.stringify(digest)), leverHistory: [] });
    expect(fromV2).toEqual(fromV1);
    expect(fromV1.hypotheses.length).toBeGreaterThan(0);
  });

  it('orders clusters by actionability whatever order the digest lists them in', () => {
    const reversed: Digest = { ...digest, clusters: [...digest.clusters].reverse() };
    expect(planCycle({ ...input, digest: reversed, leverHistory: [] })).toEqual(
      planCycle({ ...input, leverHistory: [] }),
    );
  });

  it('cuts the plan to maxHypotheses', () => {
    expect(planCycle({ ...input, leverHistory: [], options: { maxHypotheses: 2 } }).hypotheses).toHaveLength(
      2,
    );
  });

  it('re-configures processors already present and skips those with nothing left to turn', () => {
    const tuned = parseHarnessSpec({
      ...baseline,
      processors: [
        { id: 'verify-before-finish' },
        { id: 'loop-guard', options: { maxRepeats: 2 } },
        { id: 'failure-reflection' },
      ],
    });
    const plan = planCycle({ ...input, current: tuned, leverHistory: [] });
    expect(edits(plan).slice(0, 2)).toEqual([
      'configure-processor {"id":"verify-before-finish","options":{"maxChecks":2}}',
      'configure-processor {"id":"loop-guard","options":{"maxRepeats":1}}',
    ]);
    expect(plan.hypotheses[0]?.score).toBe(0.24);
    expect(edits(plan).some((edit) => edit.includes('failure-reflection'))).toBe(false);
    expect(edits(plan).some((edit) => edit.includes('add-verification'))).toBe(false);
  });

  it('does not propose a prompt paragraph the system prompt already has', () => {
    const prompted = parseHarnessSpec({
      ...baseline,
      slots: {
        systemPrompt:
          'Act.\n\nBefore you call finish, check each condition of the task, one by one, against what you have actually observed.',
      },
    });
    const plan = planCycle({ ...input, current: prompted, leverHistory: [] });
    expect(edits(plan).some((edit) => edit.includes('Before you call finish'))).toBe(false);
  });

  it('blocks a lever shipped in 2 of the last 3 cycles with a hit rate below 0.4', () => {
    const leverHistory: LeverHistory[] = [
      { lever: 'verification', shippedInLast3: 2, hitRate: 0.25, predictions: 8 },
      { lever: 'memory', shippedInLast3: 1, hitRate: 0, predictions: 3 },
      { lever: 'control-flow-safety', shippedInLast3: 2, hitRate: 0.5, predictions: 4 },
    ];
    const plan = planCycle({ ...input, leverHistory });
    expect(plan.portfolio.blocked).toEqual([
      {
        lever: 'verification',
        reason:
          'shipped in 2 of the last 3 cycles with a hit rate of 0.25 (below 0.4) over 8 predicted unlocks',
      },
    ]);
    expect(plan.hypotheses.some((h) => h.lever === 'verification')).toBe(false);
    expect(plan.hypotheses.some((h) => h.lever === 'memory')).toBe(true);
    expect(plan.hypotheses[0]?.edit).toEqual({ operator: 'add-processor', params: { id: 'loop-guard' } });
    expect(plan.portfolio.levers.map((l) => l.lever)).toEqual([
      'memory',
      'verification',
      'control-flow-safety',
    ]);
  });

  it("scales a lever's hypotheses by its track record", () => {
    const leverHistory: LeverHistory[] = [
      { lever: 'verification', shippedInLast3: 1, hitRate: 0, predictions: 4 },
    ];
    const plan = planCycle({ ...input, leverHistory });
    expect(plan.hypotheses[0]?.edit.params).toEqual({ id: 'loop-guard' });
    expect(plan.hypotheses.find((h) => h.edit.operator === 'add-verification')?.score).toBe(0.3);
  });

  it('is deterministic and leaves its inputs untouched', () => {
    const history: LeverHistory[] = [
      { lever: 'memory', shippedInLast3: 1, hitRate: 0.5, predictions: 2 },
      { lever: 'tool-use', shippedInLast3: 0, hitRate: 1, predictions: 1 },
    ];
    const before = structuredClone({ digest, baseline, history });
    const first = planCycle({ ...input, leverHistory: history });
    const second = planCycle({ ...input, leverHistory: [...history].reverse() });
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect({ digest, baseline, history }).toEqual(before);
  });

  it('plans nothing for a digest without failures', () => {
    const clean: Digest = { ...digest, clusters: [] };
    expect(planCycle({ ...input, digest: clean, leverHistory: [] }).hypotheses).toEqual([]);
  });

  it('rejects bad options, a malformed digest and duplicate lever records with an InputError', () => {
    expect(() => planCycle({ ...input, leverHistory: [], options: { maxHypotheses: 0 } })).toThrow(
      InputError,
    );
    const broken = {
      ...digest,
      clusters: [{ ...digest.clusters[0], actionability: 3 }],
    } as unknown as Digest;
    try {
      planCycle({ ...input, digest: broken, leverHistory: [] });
      expect.unreachable();
    } catch (error) {
      expect((error as InputError).issues[0]?.path).toBe('clusters[0].actionability');
      expect((error as InputError).source).toBe('digest digests/household-c001/digest.json');
    }
    const twice: LeverHistory[] = [
      { lever: 'memory', shippedInLast3: 1, hitRate: 0.5, predictions: 2 },
      { lever: 'memory', shippedInLast3: 0, hitRate: 0, predictions: 0 },
    ];
    expect(() => planCycle({ ...input, leverHistory: twice })).toThrow(/at most one record per lever/);
  });
});
