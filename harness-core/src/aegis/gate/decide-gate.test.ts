import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.ts';
import { harnessContentId } from '../../harness/canonical.ts';
import type { GateDecision } from '../artifacts/gate-decision.ts';
import { decideGate, gateRejectionReasons } from './decide-gate.ts';
import { buildCandidate, mutateSpec } from './test-support/aegis-builders.ts';
import { CANDIDATE_ADAPTATION, defaultCandidate, gateScenario } from './test-support/gate-scenario.ts';

const outcomes = (decision: GateDecision) => decision.rules.map((rule) => `${rule.rule}:${rule.outcome}`);
const ruleOf = (decision: GateDecision, name: string) => decision.rules.find((rule) => rule.rule === name)!;

describe('decideGate', () => {
  it('accepts a good candidate, recording all six rules with their inputs', async () => {
    const scenario = gateScenario();
    const decision = await decideGate(scenario.input);
    expect(decision.accepted).toBe(true);
    expect(outcomes(decision)).toEqual([
      'manifest-complete:pass',
      'canonical-form:pass',
      'build-and-smoke:pass',
      'no-solved-task-regression:pass',
      'no-heldout-regression:pass',
      'not-below-best-accepted:pass',
    ]);
    const regression = ruleOf(decision, 'no-solved-task-regression').inputs;
    expect(regression['solvedTaskIds']).toHaveLength(10);
    // 30 solved rollouts per run, one task flipping: measured 5/90, floored at 3/30.
    expect(regression['noiseFloor']).toMatchObject({ measuredFlipRate: 5 / 90, flipProbability: 0.1 });
    expect(ruleOf(decision, 'no-heldout-regression').inputs['margin']).toBeCloseTo(0.0969, 3);
    expect(scenario.buildCalls).toEqual([scenario.candidate.spec]);
    expect(scenario.heldoutCalls).toBe(1);
    expect(gateRejectionReasons(decision)).toEqual([]);
  });

  it('rejects a manifest that omits a change, skips the rest and runs neither build nor held-out', async () => {
    const scenario = gateScenario({
      candidate: (parent) =>
        buildCandidate({
          parent,
          spec: mutateSpec(parent, (draft) => {
            draft.processors.push({ id: 'goal-pin', version: 1, options: {} });
            draft.budgets.maxTurns = 20;
          }),
          changes: [{ kind: 'add-processor', target: 'goal-pin' }],
        }),
    });
    const decision = await decideGate(scenario.input);
    expect(decision.accepted).toBe(false);
    expect(outcomes(decision)).toEqual([
      'manifest-complete:fail',
      'canonical-form:skipped',
      'build-and-smoke:skipped',
      'no-solved-task-regression:skipped',
      'no-heldout-regression:skipped',
      'not-below-best-accepted:skipped',
    ]);
    expect(ruleOf(decision, 'manifest-complete').inputs['unlisted']).toEqual(['set-budget maxTurns']);
    expect(ruleOf(decision, 'canonical-form').detail).toBe('skipped: manifest-complete failed');
    expect(scenario.buildCalls).toEqual([]);
    expect(scenario.heldoutCalls).toBe(0);
    expect(gateRejectionReasons(decision)[0]).toMatch(
      /^manifest-complete: .*not in the manifest: set-budget maxTurns/,
    );
  });

  it('rejects a candidate derived from another version than the current one', async () => {
    const scenario = gateScenario({
      candidate: (parent) => {
        const stale = defaultCandidate(parent);
        const other = `sha256:${'d'.repeat(64)}`;
        return { ...stale, parentContentId: other, spec: { ...stale.spec, parent: other } };
      },
    });
    const decision = await decideGate(scenario.input);
    expect(ruleOf(decision, 'manifest-complete').detail).toMatch(
      /derived from sha256:d+, the current version is/,
    );
  });

  it('rejects a wrong content id at canonical-form', async () => {
    const scenario = gateScenario({
      candidate: (parent) => ({ ...defaultCandidate(parent), contentId: `sha256:${'e'.repeat(64)}` }),
    });
    const decision = await decideGate(scenario.input);
    expect(outcomes(decision).slice(0, 3)).toEqual([
      'manifest-complete:pass',
      'canonical-form:fail',
      'build-and-smoke:skipped',
    ]);
    const rule = ruleOf(decision, 'canonical-form');
    expect(rule.inputs).toMatchObject({
      declaredContentId: `sha256:${'e'.repeat(64)}`,
      reparsesToItself: true,
    });
    expect(rule.detail).toMatch(/hashes to sha256:[0-9a-f]{64}, the candidate declares sha256:e+/);
  });

  it('rejects a spec that is not its own parse (a default left out)', async () => {
    const base = gateScenario().candidate;
    const { memory: _dropped, ...slots } = base.spec.slots;
    const spec = { ...base.spec, slots } as unknown as typeof base.spec;
    const scenario = gateScenario({ candidate: () => ({ ...base, spec }) });
    const decision = await decideGate(scenario.input);
    expect(ruleOf(decision, 'canonical-form')).toMatchObject({
      outcome: 'fail',
      inputs: { differingKeys: ['slots'] },
    });
  });

  it('rejects a failing build through the injected build, and a build that throws', async () => {
    const failing = await decideGate(
      gateScenario({ build: () => ({ ok: false, errors: ['processor "goal-pin": smoke test timed out'] }) })
        .input,
    );
    expect(ruleOf(failing, 'build-and-smoke')).toMatchObject({
      outcome: 'fail',
      inputs: { ok: false, errors: ['processor "goal-pin": smoke test timed out'] },
    });
    expect(failing.accepted).toBe(false);
    const throwing = await decideGate(
      gateScenario({
        build: () => {
          throw new Error('sandbox exploded');
        },
      }).input,
    );
    expect(ruleOf(throwing, 'build-and-smoke').detail).toBe('the build threw: Error: sandbox exploded');
    expect(ruleOf(throwing, 'no-solved-task-regression').outcome).toBe('skipped');
  });

  it('rejects a regression on a solved task and records its per-task inputs', async () => {
    const scenario = gateScenario({ candidateAdaptation: { ...CANDIDATE_ADAPTATION, t03: 'FFF' } });
    const decision = await decideGate(scenario.input);
    const rule = ruleOf(decision, 'no-solved-task-regression');
    expect(rule.outcome).toBe('fail');
    expect(rule.inputs['regressed']).toEqual([
      {
        taskId: 't03',
        difficulty: 3,
        currentSuccesses: 3,
        replicateSuccesses: 3,
        rollouts: 3,
        candidateSuccesses: 0,
        candidateRollouts: 3,
        pValue: expect.closeTo(0.001, 9),
        holmThreshold: 0.005,
      },
    ]);
    expect(rule.detail).toMatch(/1 of 10 solved task\(s\) regressed .* t03 3\/3 → 0\/3/);
    expect(scenario.heldoutCalls).toBe(0);
  });

  it('lets a drop within the noise floor through (one solved task down to 1 of 3)', async () => {
    const decision = await decideGate(
      gateScenario({ candidateAdaptation: { ...CANDIDATE_ADAPTATION, t03: 'SFF' } }).input,
    );
    expect(ruleOf(decision, 'no-solved-task-regression').outcome).toBe('pass');
    expect(decision.accepted).toBe(true);
  });

  it('rejects a held-out regression beyond the noise margin', async () => {
    const decision = await decideGate(
      gateScenario({
        candidateHeldout: {
          h01: 'SSS',
          h02: 'SSS',
          h03: 'SSS',
          h04: 'SSS',
          h05: 'SFF',
          h06: 'FFF',
          h07: 'FFF',
          h08: 'FFF',
        },
      }).input,
    );
    const rule = ruleOf(decision, 'no-heldout-regression');
    expect(rule.outcome).toBe('fail');
    expect(rule.inputs).toMatchObject({
      candidate: { successes: 13, rollouts: 24 },
      current: { successes: 18, rollouts: 24 },
    });
    expect(ruleOf(decision, 'not-below-best-accepted').outcome).toBe('skipped');
  });

  it('rejects a candidate below the best version ever accepted', async () => {
    const decision = await decideGate(
      gateScenario({
        bestAccepted: { contentId: `sha256:${'f'.repeat(64)}`, heldoutSuccesses: 23, heldoutRollouts: 24 },
      }).input,
    );
    expect(ruleOf(decision, 'no-heldout-regression').outcome).toBe('pass');
    const rule = ruleOf(decision, 'not-below-best-accepted');
    expect(rule.outcome).toBe('fail');
    expect(rule.inputs).toMatchObject({ bestSource: 'bestAccepted', best: { successes: 23, rollouts: 24 } });
  });

  it('refuses inconsistent inputs with an InputError naming the path', async () => {
    const heldoutAsAdaptation = gateScenario({
      evaluations: (evaluations) => {
        evaluations['currentAdaptation']!.split = 'heldout';
      },
    });
    await expect(decideGate(heldoutAsAdaptation.input)).rejects.toThrow(
      /evaluations\.currentAdaptation\.split/,
    );
    const sameSeeds = gateScenario({
      evaluations: (evaluations) => {
        evaluations['currentReplicate']!.seed = 1;
      },
    });
    await expect(decideGate(sameSeeds.input)).rejects.toThrow(/currentReplicate\.seed/);
    const missingSolved = gateScenario({
      evaluations: (evaluations) => {
        evaluations['candidateAdaptation']!.tasks = evaluations['candidateAdaptation']!.tasks.filter(
          (task) => task.taskId !== 't02',
        );
      },
    });
    const error = await decideGate(missingSolved.input).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).issues[0]).toEqual({
      path: 'evaluations.candidateAdaptation.tasks',
      message: 'missing solved task(s) t02',
    });
    const wrongParent = gateScenario();
    wrongParent.input.parentSpec = mutateSpec(wrongParent.parent, (draft) => {
      draft.budgets.maxTurns = 10;
    });
    await expect(decideGate(wrongParent.input)).rejects.toThrow(/parentSpec/);
  });

  it('decides the same twice, down to the JSON', async () => {
    const first = await decideGate(
      gateScenario({ candidateAdaptation: { ...CANDIDATE_ADAPTATION, t05: 'FFF' } }).input,
    );
    const second = await decideGate(
      gateScenario({ candidateAdaptation: { ...CANDIDATE_ADAPTATION, t05: 'FFF' } }).input,
    );
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(harnessContentId(gateScenario().parent)).toBe(first.currentContentId);
  });
});
