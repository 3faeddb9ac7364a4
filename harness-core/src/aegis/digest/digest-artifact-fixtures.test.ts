import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.ts';
import { digestArtifact, failedTrajectoriesOf } from '../artifacts/digest.ts';
import {
  expectBadFixtureRejected,
  loadArtifactFixture,
} from '../artifacts/test-support/artifact-fixtures.ts';

const load = loadArtifactFixture;

describe('harnessx.digest/2 frozen fixtures', () => {
  it('parses the valid fixture: members say only what their cluster does not', () => {
    const digest = digestArtifact.parse(load('digest-2.json'), 'digest-2.json');
    expect(digest.schemaVersion).toBe('harnessx.digest/2');
    expect(digest).toEqual(load('digest-2.json'));
    expect(failedTrajectoriesOf(digest).map((t) => [t.failureClass, t.tool, t.processor, t.outcome])).toEqual(
      [
        ['early-finish', 'finish', undefined, 'failure'],
        ['early-finish', 'finish', undefined, 'failure'],
        ['early-finish', 'finish', undefined, 'failure'],
        ['invalid-action', 'put', undefined, 'budget-exhausted'],
        ['invalid-action', 'open', undefined, 'failure'],
        ['processor-error', undefined, 'goal-pin', 'error'],
      ],
    );
  });

  const bad: [string, string[]][] = [
    ['digest-2.bad-future-version.json', ['schemaVersion', 'clusters[0].members[0]']],
    ['digest-2.bad-missing-field.json', ['tokens', 'clusters[1].members[0].taskId']],
    ['digest-2.bad-prototype-pollution.json', ['clusters[1].members[0].__proto__']],
    ['digest-2.bad-huge-string.json', ['clusters[1].members[1].moreEvidence[0].excerpt']],
    ['digest-2.bad-wrong-types.json', ['episodes', 'clusters[0].members[2].turns', 'clusters[2].processor']],
  ];
  for (const [name, paths] of bad) {
    it(`rejects ${name} with an InputError naming the file and ${paths.join(', ')}`, () => {
      expectBadFixtureRejected(digestArtifact, name, paths);
    });
  }

  it('rejects a cluster whose members do not make up its count, task ids or findings', () => {
    const valid = load('digest-2.json') as { clusters: { members: object[] }[] };
    const [first, second, third] = valid.clusters;
    const broken = {
      ...valid,
      clusters: [
        { ...first, count: 4 },
        { ...second, taskIds: ['household-040'] },
        { ...third, members: [{ ...third?.members[0], processor: 'loop-guard' }] },
      ],
    };
    const result = digestArtifact.safeParse(broken, 'broken');
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error.issues.map((issue) => issue.path)).toEqual([
      'clusters[0].count',
      'clusters[1].taskIds',
      'clusters[2].members[0].processor',
    ]);
  });
});

describe('harnessx.digest/1 frozen fixtures, read and upgraded to /2', () => {
  it('upgrades the valid fixture losing nothing: each failure moves into its cluster as a member', () => {
    const digest = digestArtifact.parse(load('digest-1.json'), 'digest-1.json');
    expect(digest.schemaVersion).toBe('harnessx.digest/2');
    expect(digest).toEqual(load('digest-2.from-digest-1.json'));
    expect(digestArtifact.parse(load('digest-2.from-digest-1.json'))).toEqual(digest);
    const v1 = load('digest-1.json') as {
      trajectories: {
        traceId: string;
        success: boolean;
        failureClass: string;
        tool?: string;
        turn?: number;
      }[];
    };
    const failed = v1.trajectories.filter((entry) => !entry.success);
    const read = new Map(failedTrajectoriesOf(digest).map((entry) => [entry.traceId, entry]));
    expect(read.size).toBe(failed.length);
    for (const { traceId, failureClass, tool, turn } of failed) {
      const upgraded = read.get(traceId);
      expect({ failureClass: upgraded?.failureClass, tool: upgraded?.tool, turn: upgraded?.turn }).toEqual({
        failureClass,
        tool,
        turn,
      });
    }
    expect(digest.successfulTrajectories?.map((entry) => entry.traceId)).toEqual(
      v1.trajectories.filter((entry) => entry.success).map((entry) => entry.traceId),
    );
    expect(digest.clusters[0]?.refinedSummary).toBeDefined();
  });

  const bad: [string, string[]][] = [
    // Labelled /2 with a /1 body: read as /2, which has no `trajectories` and wants members.
    ['digest-1.bad-future-version.json', ['', 'clusters[0]', 'clusters[0].members']],
    ['digest-1.bad-missing-field.json', ['tokens']],
    ['digest-1.bad-prototype-pollution.json', ['clusters[0].__proto__']],
    ['digest-1.bad-huge-string.json', ['trajectories[2].evidence[0].excerpt']],
    ['digest-1.bad-wrong-types.json', ['episodes', 'trajectories[0].success']],
  ];
  for (const [name, paths] of bad) {
    it(`rejects ${name} with an InputError naming the file and ${paths.join(', ')}`, () => {
      expectBadFixtureRejected(digestArtifact, name, paths);
    });
  }

  it('rejects a /1 digest it cannot upgrade without dropping something, naming the /1 path', () => {
    const valid = load('digest-1.json') as { trajectories: Record<string, unknown>[]; clusters: object[] };
    const trajectories = valid.trajectories.map((entry, index) =>
      index === 6
        ? { ...entry, failureClass: 'lost-state' }
        : index === 0
          ? { ...entry, tool: 'look' }
          : entry,
    );
    const result = digestArtifact.safeParse({ ...valid, trajectories }, 'old store');
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error).toBeInstanceOf(InputError);
    expect(result.error.entity).toBe('harnessx.digest/1');
    expect(result.error.source).toBe('old store');
    expect(result.error.issues.map((issue) => issue.path)).toEqual([
      'trajectories[0]',
      'trajectories[6]',
      'clusters[1].count',
    ]);
  });
});
