import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.ts';
import { canonicalJson, harnessContentId } from '../../harness/canonical.ts';
import { loadHarnessFile } from '../../harness/load.ts';
import type { HarnessSpec } from '../../harness/spec.ts';
import { candidateArtifact } from '../artifacts/candidate.ts';
import { digestArtifact } from '../artifacts/digest.ts';
import type { Hypothesis, Plan } from '../artifacts/plan.ts';
import { planCycle } from '../plan/plan-cycle.ts';
import { evolveCandidates, evolveCandidatesWithReport } from './evolve-candidates.ts';

const digest = digestArtifact.parse(
  JSON.parse(
    readFileSync(new URL('../plan/test-data/digest-early-finish-loop.json', import.meta.url), 'utf8'),
  ),
);
const baseline = await loadHarnessFile(
  new URL('../../../../examples/harnesses/baseline.yaml', import.meta.url).pathname,
);
const baselineId = harnessContentId(baseline);
const plan = planCycle({
  cycleId: 'household-c001',
  digestKey: 'digests/household-c001/digest.json',
  digest,
  current: baseline,
  leverHistory: [],
});
const input = { cycleId: 'household-c001', plan, current: baseline, currentContentId: baselineId, digest };

/** The spec with the fields one edit may touch taken out, to check nothing else moved. */
function untouched(spec: HarnessSpec) {
  const { parent: _parent, processors: _processors, slots, ...rest } = spec;
  return { ...rest, slots: { ...slots, systemPrompt: undefined } };
}

describe('evolveCandidates on the baseline household harness', () => {
  const candidates = evolveCandidates(input);

  it('makes four candidates from the top hypotheses, each one single edit', () => {
    expect(candidates.map((c) => c.candidateId)).toEqual([
      'household-c001-k1',
      'household-c001-k2',
      'household-c001-k3',
      'household-c001-k4',
    ]);
    expect(candidates.map((c) => c.manifest.hypothesisId)).toEqual(
      plan.hypotheses.slice(0, 4).map((h) => h.id),
    );
    expect(candidates.map((c) => c.spec.processors.map((p) => p.id))).toEqual([
      ['verify-before-finish'],
      ['loop-guard'],
      ['failure-reflection'],
      [],
    ]);
    expect(candidates[3]?.spec.slots.systemPrompt).toBe(
      `${baseline.slots.systemPrompt}\n\nBefore you call finish, check each condition of the task, one by one, against what you have actually observed.`,
    );
    for (const candidate of candidates) {
      expect(untouched(candidate.spec)).toEqual(untouched(baseline));
      expect(candidate.manifest.changes).toHaveLength(1);
    }
  });

  it('keeps the name, points at the parent and carries the content id of the full spec', () => {
    for (const candidate of candidates) {
      expect(candidate.spec.name).toBe('household-baseline');
      expect(candidate.spec.parent).toBe(baselineId);
      expect(candidate.parentContentId).toBe(baselineId);
      expect(candidate.contentId).toBe(harnessContentId(candidate.spec));
      expect(candidate.revision).toBe(0);
      expect(() => candidateArtifact.parse(JSON.parse(JSON.stringify(candidate)))).not.toThrow();
    }
    expect(new Set(candidates.map((c) => c.contentId)).size).toBe(4);
  });

  it('writes a complete manifest: changes, hypothesis, lever, kind, evidence, prediction, attribution', () => {
    const [verify, , , prompt] = candidates;
    expect(verify?.manifest).toMatchObject({
      hypothesisId: 'household-c001-h1',
      lever: 'verification',
      kind: 'structural',
      changes: [{ kind: 'add-processor', target: 'verify-before-finish' }],
      capabilityEvidence: { cluster: 'early-finish:finish', failureClass: 'early-finish' },
      predictedImpact: plan.hypotheses[0]?.predicted,
      attribution: { source: 'catalogue', edit: { operator: 'add-verification', params: {} } },
    });
    expect(verify?.manifest.capabilityEvidence.examples).toHaveLength(3);
    expect(verify?.manifest.capabilityEvidence.examples[0]).toMatch(
      /turn 5: finish\(\) called while a goal condition/,
    );
    expect(prompt?.manifest).toMatchObject({ kind: 'prompt', changes: [{ kind: 'set-system-prompt' }] });
  });

  it('is deterministic', () => {
    expect(canonicalJson(evolveCandidates(input))).toBe(canonicalJson(candidates));
  });
});

function withHypotheses(hypotheses: Partial<Hypothesis>[]): Plan {
  const template = plan.hypotheses[0]!;
  return {
    ...plan,
    hypotheses: hypotheses.map((h, index) => ({
      ...template,
      ...h,
      id: `household-c001-h${index + 1}`,
      rank: index + 1,
    })),
  };
}

describe('evolveCandidatesWithReport', () => {
  it('skips a hypothesis whose edit fails and takes the next one', () => {
    const report = evolveCandidatesWithReport({
      ...input,
      plan: withHypotheses([
        { edit: { operator: 'remove-processor', params: { id: 'loop-guard' } } },
        { edit: { operator: 'meta-code', params: { source: 'x' } } },
        { edit: { operator: 'set-budget-split', params: { maxTurns: 60 } } },
        { edit: { operator: 'add-processor', params: { id: 'goal-pin' } } },
      ]),
    });
    expect(report.candidates.map((c) => [c.candidateId, c.manifest.hypothesisId])).toEqual([
      ['household-c001-k1', 'household-c001-h4'],
    ]);
    expect(report.skipped).toEqual([
      {
        hypothesisId: 'household-c001-h1',
        reason: 'edit failed: params.id: processor "loop-guard" is not in the harness (present: none)',
      },
      {
        hypothesisId: 'household-c001-h2',
        reason: expect.stringMatching(/"meta-code" is not a catalogue operator/),
      },
      {
        hypothesisId: 'household-c001-h3',
        reason: expect.stringMatching(/would raise budgets.maxTurns from 30 to 60/),
      },
    ]);
  });

  it('skips a hypothesis whose spec repeats an earlier candidate', () => {
    const report = evolveCandidatesWithReport({
      ...input,
      plan: withHypotheses([
        { edit: { operator: 'add-verification', params: {} } },
        { edit: { operator: 'add-processor', params: { id: 'verify-before-finish' } } },
        { edit: { operator: 'add-processor', params: { id: 'goal-pin' } } },
      ]),
    });
    expect(report.candidates.map((c) => c.candidateId)).toEqual(['household-c001-k1', 'household-c001-k2']);
    expect(report.skipped).toEqual([
      { hypothesisId: 'household-c001-h2', reason: 'same content as household-c001-k1' },
    ]);
  });

  it('stops at K and follows rank order, not list order', () => {
    const shuffled = { ...plan, hypotheses: [...plan.hypotheses].reverse() };
    const two = evolveCandidates({ ...input, plan: shuffled, K: 2 });
    expect(two.map((c) => c.manifest.hypothesisId)).toEqual(['household-c001-h1', 'household-c001-h2']);
  });

  it('quotes the hypothesis targets as evidence when no digest is given', () => {
    const { digest: _digest, ...withoutDigest } = input;
    const [first] = evolveCandidates({ ...withoutDigest, K: 1 });
    expect(first?.manifest.capabilityEvidence).toEqual({
      cluster: 'early-finish:finish',
      failureClass: 'early-finish',
      examples: [
        'task household-002 failed in cluster early-finish:finish',
        'task household-008 failed in cluster early-finish:finish',
        'task household-011 failed in cluster early-finish:finish',
        'task household-005 failed in cluster early-finish:finish',
      ],
    });
  });

  it('rejects a K that is not a positive integer', () => {
    expect(() => evolveCandidates({ ...input, K: 0 })).toThrow(InputError);
    expect(() => evolveCandidates({ ...input, K: 1.5 })).toThrow(/expected an integer from 1 to 64/);
  });
});
