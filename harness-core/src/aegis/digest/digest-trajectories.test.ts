import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.ts';
import { estimateTokens } from '../../providers/model.ts';
import { digestArtifact } from '../artifacts/digest.ts';
import { UNKNOWN_TASK_ID } from './analyse-trajectory.ts';
import { digestTrajectories } from './digest-trajectories.ts';
import { buildTrajectory, steps } from './test-support/trajectory-builder.ts';

const options = {
  cycleId: 'household-c001',
  harnessContentId: `sha256:${'a'.repeat(64)}`,
  successfulTrajectories: 'list' as const,
};

function batch() {
  const fridge = () => steps.nothing('open', { target: 'fridge 1' });
  return [
    buildTrajectory({ taskId: 't-1', outcome: 'success', turns: [[steps.look()], [steps.finish()]] }),
    buildTrajectory({ taskId: 't-2', outcome: 'failure', turns: [[steps.look()], [steps.finish()]] }),
    buildTrajectory({
      taskId: 't-2',
      rollout: 1,
      outcome: 'failure',
      turns: [[fridge()], [fridge()], [steps.finish()]],
    }),
    buildTrajectory({ taskId: 't-3', outcome: 'failure', turns: [[steps.goTo('a 1')], [steps.finish()]] }),
  ];
}

describe('digestTrajectories', () => {
  it('by default lists failures only, with a per-task summary that still says which tasks were solved', () => {
    const { successfulTrajectories: _list, ...defaults } = options;
    const digest = digestTrajectories(batch(), defaults);
    expect(digest.trajectories.every((t) => !t.success)).toBe(true);
    expect(digest.tasks?.filter((t) => t.successes > 0).map((t) => t.taskId)).toEqual(['t-1']);
    expect(digest.tasks?.reduce((n, t) => n + t.episodes, 0)).toBe(4);
  });

  it('produces a valid harnessx.digest/1 with one entry per trajectory, in input order', () => {
    const digest = digestTrajectories(batch(), options);
    expect(() => digestArtifact.parse(digest)).not.toThrow();
    expect(digest).toMatchObject({
      episodes: 4,
      successRate: 0.25,
      metaModel: { used: false },
      cycleId: options.cycleId,
      harnessContentId: options.harnessContentId,
    });
    expect(digest.trajectories.map((t) => [t.taskId, t.failureClass])).toEqual([
      ['t-1', 'none'],
      ['t-2', 'early-finish'],
      ['t-2', 'repeated-failed-action'],
      ['t-3', 'early-finish'],
    ]);
    expect(digest.clusters.map((cluster) => [cluster.id, cluster.count, cluster.taskIds])).toEqual([
      ['early-finish:finish', 2, ['t-2', 't-3']],
      ['repeated-failed-action:open', 1, ['t-2']],
    ]);
  });

  it('is deterministic: the same input gives the same JSON', () => {
    expect(JSON.stringify(digestTrajectories(batch(), options))).toBe(
      JSON.stringify(digestTrajectories(batch(), options)),
    );
  });

  it('counts tokens in from the trajectories (or takes them from the caller) and tokens out from its own JSON', () => {
    const estimated = digestTrajectories(batch(), options);
    expect(estimated.tokens.in).toBeGreaterThan(0);
    expect(estimated.tokens.out).toBe(estimateTokens(JSON.stringify(estimated)));
    const given = digestTrajectories(batch(), { ...options, tokensIn: 1_000_000 });
    expect(given.tokens.in).toBe(1_000_000);
  });

  it('keeps evidencePerTrajectory spans per entry while clusters keep theirs', () => {
    const none = digestTrajectories(batch(), { ...options, evidencePerTrajectory: 0 });
    expect(none.trajectories.every((t) => t.evidence.length === 0)).toBe(true);
    expect(none.clusters.every((cluster) => cluster.evidence.length > 0)).toBe(true);
    const three = digestTrajectories(batch(), { ...options, evidencePerTrajectory: 3 });
    expect(three.trajectories[2]?.evidence).toHaveLength(2);
  });

  it('can list failed trajectories only, still counting every episode', () => {
    const digest = digestTrajectories(batch(), { ...options, successfulTrajectories: 'omit' });
    expect(digest).toMatchObject({ episodes: 4, successRate: 0.25 });
    expect(digest.trajectories.map((t) => t.taskId)).toEqual(['t-2', 't-2', 't-3']);
    expect(digest.clusters).toEqual(digestTrajectories(batch(), options).clusters);
  });

  it('cuts excerpts to excerptChars', () => {
    const long = buildTrajectory({
      outcome: 'failure',
      turns: [[steps.nothing('put', { object: 'x'.repeat(500) })], [steps.finish()]],
    });
    const digest = digestTrajectories([long], { ...options, excerptChars: 40 });
    const excerpt = digest.trajectories[0]?.evidence[0]?.excerpt ?? '';
    expect(excerpt.length).toBeLessThanOrEqual(40);
    expect(excerpt).toContain('Nothing happens.');
  });

  it('digests an empty batch and trajectories without a task id', () => {
    expect(digestTrajectories([], options)).toMatchObject({ episodes: 0, successRate: 0, clusters: [] });
    const anonymous = {
      ...buildTrajectory({ outcome: 'failure', turns: [[steps.finish()]] }),
      taskId: undefined,
    };
    expect(digestTrajectories([anonymous], options).trajectories[0]?.taskId).toBe(UNKNOWN_TASK_ID);
  });

  it('clamps rewards outside [0, 1] from foreign traces instead of failing the batch', () => {
    const odd = { ...buildTrajectory({ outcome: 'failure', turns: [[steps.finish()]] }), reward: 7 };
    expect(digestTrajectories([odd], options).trajectories[0]?.reward).toBe(1);
  });

  it('rejects bad options with an InputError naming the field, before reading anything', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...options, cycleId: 'Bad Id' }, 'cycleId'],
      [{ ...options, harnessContentId: 'abc' }, 'harnessContentId'],
      [{ ...options, failurePatterns: ['(unclosed'] }, 'failurePatterns[0]'],
      [{ ...options, evidencePerTrajectory: 4 }, 'evidencePerTrajectory'],
      [{ ...options, surprise: true }, ''],
    ];
    for (const [bad, path] of cases) {
      const error = (() => {
        try {
          digestTrajectories(batch(), bad as never);
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).issues.map((issue) => issue.path)).toContain(path);
    }
  });
});
