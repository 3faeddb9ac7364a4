import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.ts';
import { estimateTokens } from '../../providers/model.ts';
import { digestArtifact, failedTrajectoriesOf } from '../artifacts/digest.ts';
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
    expect(digest.successfulTrajectories).toBeUndefined();
    expect(failedTrajectoriesOf(digest)).toHaveLength(3);
    expect(digest.tasks?.filter((t) => t.successes > 0).map((t) => t.taskId)).toEqual(['t-1']);
    expect(digest.tasks?.reduce((n, t) => n + t.episodes, 0)).toBe(4);
  });

  it('produces a valid harnessx.digest/2: each failure a member of its cluster, in input order', () => {
    const digest = digestTrajectories(batch(), options);
    expect(() => digestArtifact.parse(digest)).not.toThrow();
    expect(digest).toMatchObject({
      episodes: 4,
      successRate: 0.25,
      metaModel: { used: false },
      cycleId: options.cycleId,
      harnessContentId: options.harnessContentId,
    });
    expect(digest.schemaVersion).toBe('harnessx.digest/2');
    expect(digest.successfulTrajectories?.map((t) => t.taskId)).toEqual(['t-1']);
    expect(failedTrajectoriesOf(digest).map((t) => [t.taskId, t.failureClass, t.tool])).toEqual([
      ['t-2', 'early-finish', 'finish'],
      ['t-3', 'early-finish', 'finish'],
      ['t-2', 'repeated-failed-action', 'open'],
    ]);
    expect(digest.clusters.map((cluster) => [cluster.id, cluster.count, cluster.taskIds])).toEqual([
      ['early-finish:finish', 2, ['t-2', 't-3']],
      ['repeated-failed-action:open', 1, ['t-2']],
    ]);
  });

  it('says once per cluster what its members share, and per member only what differs', () => {
    const [finish, loop] = digestTrajectories(batch(), options).clusters;
    expect(finish).toMatchObject({ failureClass: 'early-finish', tool: 'finish' });
    // Both failed at finish with the same excerpt: the cluster shows it, the members do not repeat it.
    for (const member of finish?.members ?? []) {
      // In-memory trajectories have no span ids; the trace files' do (digest-trace-files.test.ts).
      expect(Object.keys(member).sort()).toEqual(['reward', 'taskId', 'traceId', 'turn', 'turns']);
      expect(member.turn).toBe(1);
    }
    expect(finish?.evidence.map((span) => span.excerpt)).toEqual([
      'finish({}) -> You finish the task.',
      'finish({}) -> You finish the task.',
    ]);
    // The loop's member went wrong at the repeat (turn 1); its first evidence span is the first failure.
    expect(loop?.members).toEqual([
      expect.objectContaining({ taskId: 't-2', turn: 1, spanTurn: 0, turns: 3 }),
    ]);
    expect(loop?.members[0]).not.toHaveProperty('outcome');
    expect(loop?.members[0]).not.toHaveProperty('tool');
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
    const members = (digest: typeof none) => digest.clusters.flatMap((cluster) => cluster.members);
    expect(members(none).every((m) => m.spanId === undefined && m.moreEvidence === undefined)).toBe(true);
    expect(none.clusters.every((cluster) => cluster.evidence.length > 0)).toBe(true);
    const three = digestTrajectories(batch(), { ...options, evidencePerTrajectory: 3 });
    const loop = three.clusters.find((cluster) => cluster.failureClass === 'repeated-failed-action');
    // The second span repeats the first one's excerpt: only its turn is new.
    expect(loop?.members[0]?.moreEvidence).toEqual([{ turn: 1 }]);
  });

  it('can list failed trajectories only, still counting every episode', () => {
    const digest = digestTrajectories(batch(), { ...options, successfulTrajectories: 'omit' });
    expect(digest).toMatchObject({ episodes: 4, successRate: 0.25 });
    expect(digest.successfulTrajectories).toBeUndefined();
    expect(digest.clusters).toEqual(digestTrajectories(batch(), options).clusters);
  });

  it('cuts excerpts to excerptChars', () => {
    const long = buildTrajectory({
      outcome: 'failure',
      turns: [[steps.nothing('put', { object: 'x'.repeat(500) })], [steps.finish()]],
    });
    const digest = digestTrajectories([long], { ...options, excerptChars: 40 });
    const excerpt = digest.clusters[0]?.evidence[0]?.excerpt ?? '';
    expect(excerpt.length).toBeLessThanOrEqual(40);
    expect(excerpt).toContain('Nothing happens.');
  });

  it('digests an empty batch and trajectories without a task id', () => {
    expect(digestTrajectories([], options)).toMatchObject({ episodes: 0, successRate: 0, clusters: [] });
    const anonymous = {
      ...buildTrajectory({ outcome: 'failure', turns: [[steps.finish()]] }),
      taskId: undefined,
    };
    expect(digestTrajectories([anonymous], options).clusters[0]?.members[0]?.taskId).toBe(UNKNOWN_TASK_ID);
  });

  it('clamps rewards outside [0, 1] from foreign traces instead of failing the batch', () => {
    const odd = { ...buildTrajectory({ outcome: 'failure', turns: [[steps.finish()]] }), reward: 7 };
    expect(digestTrajectories([odd], options).clusters[0]?.members[0]?.reward).toBe(1);
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
