import { describe, expect, it } from 'vitest';
import { AbortedError, InputError, TransientError } from '../../errors.ts';
import { estimateTokens } from '../../providers/model.ts';
import { ScriptedModel } from '../../testing/scripted-model.ts';
import { digestTrajectories } from './digest-trajectories.ts';
import { refineDigestClusters } from './refine-digest-clusters.ts';
import { buildTrajectory, steps } from './test-support/trajectory-builder.ts';

const options = { cycleId: 'household-c001', harnessContentId: `sha256:${'c'.repeat(64)}` };

/** Three clusters: early-finish (largest), then the put loop, then a malformed-arguments one. */
function threeClusterDigest() {
  const put = () => steps.nothing('put', { object: 'mug 1' });
  return digestTrajectories(
    [
      ...[1, 2, 3].map((n) =>
        buildTrajectory({ taskId: `t-${n}`, outcome: 'failure', turns: [[steps.look()], [steps.finish()]] }),
      ),
      ...[4, 5].map((n) =>
        buildTrajectory({ taskId: `t-${n}`, outcome: 'failure', turns: [[put()], [put()]] }),
      ),
      buildTrajectory({ taskId: 't-6', outcome: 'failure', turns: [[steps.badJson('take', '{x')]] }),
    ],
    options,
  );
}

const reply = (summaries: unknown) => ({ text: JSON.stringify({ summaries }) });

describe('refineDigestClusters (with the ScriptedModel test double)', () => {
  it('summarises only the top clusters and marks the digest as meta-model refined', async () => {
    const digest = threeClusterDigest();
    const [first, second, third] = digest.clusters;
    const model = new ScriptedModel([
      {
        text: `\`\`\`json\n${JSON.stringify({
          summaries: [
            { clusterId: first?.id, summary: 'The agent calls finish\n\nbefore checking the goal.' },
            { clusterId: second?.id, summary: 'It repeats a failing put.' },
          ],
        })}\n\`\`\``,
      },
    ]);
    const result = await refineDigestClusters(digest, model, { topN: 2 });
    expect(result.failure).toBeUndefined();
    expect(result.refinedClusterIds).toEqual([first?.id, second?.id]);
    expect(result.digest.clusters[0]?.refinedSummary).toBe(
      'The agent calls finish before checking the goal.',
    );
    expect(result.digest.clusters[1]?.refinedSummary).toBe('It repeats a failing put.');
    expect(result.digest.clusters[2]?.refinedSummary).toBeUndefined();
    expect(result.digest.metaModel).toEqual({ used: true, model: 'scripted:scripted-model' });
    expect(result.digest.tokens.out).toBe(estimateTokens(JSON.stringify(result.digest)));
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    // The model saw the top clusters only, and no tools.
    const request = model.calls[0];
    const prompt = request?.messages.map((message) => message.content).join('\n') ?? '';
    expect(prompt).toContain(`"${first?.id}"`);
    expect(prompt).toContain(`"${second?.id}"`);
    expect(prompt).not.toContain(`"${third?.id}"`);
    expect(request?.tools).toEqual([]);
    expect(request?.toolChoice).toBe('none');
  });

  const badReplies: [string, object, string][] = [
    ['not JSON', { text: 'The agent finishes too early.' }, ''],
    ['an unknown cluster', reply([{ clusterId: 'made-up', summary: 'x' }]), 'summaries[0].clusterId'],
    [
      'an empty summary',
      reply([{ clusterId: 'early-finish:finish', summary: '  ' }]),
      'summaries[0].summary',
    ],
    ['an extra field', { text: JSON.stringify({ summaries: [], note: 1 }) }, ''],
    ['a pollution key', { text: '{"summaries":[],"__proto__":{"polluted":true}}' }, '__proto__'],
    [
      'a duplicate cluster',
      reply([
        { clusterId: 'early-finish:finish', summary: 'a' },
        { clusterId: 'early-finish:finish', summary: 'b' },
      ]),
      'summaries',
    ],
  ];
  for (const [name, step, path] of badReplies) {
    it(`leaves the digest unchanged and reports an InputError for a reply with ${name}`, async () => {
      const digest = threeClusterDigest();
      const before = JSON.stringify(digest);
      const result = await refineDigestClusters(digest, new ScriptedModel([step]));
      expect(JSON.stringify(result.digest)).toBe(before);
      expect(result.refinedClusterIds).toEqual([]);
      expect(result.failure).toBeInstanceOf(InputError);
      expect((result.failure as InputError).source).toBe('meta-model reply from scripted:scripted-model');
      expect((result.failure as InputError).issues.map((issue) => issue.path)).toContain(path);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    });
  }

  it('reports a failing model call and leaves the digest unchanged', async () => {
    const digest = threeClusterDigest();
    const result = await refineDigestClusters(
      digest,
      new ScriptedModel([{ error: new TransientError('429 slow down') }]),
    );
    expect(result.digest).toEqual(digest);
    expect(result.failure).toBeInstanceOf(TransientError);
  });

  it('propagates an abort instead of reporting it', async () => {
    const controller = new AbortController();
    controller.abort();
    const model = new ScriptedModel([{ error: new AbortedError() }]);
    await expect(
      refineDigestClusters(threeClusterDigest(), model, { signal: controller.signal }),
    ).rejects.toBeInstanceOf(AbortedError);
  });

  it('makes no call when there is no cluster, and rejects bad options', async () => {
    const model = new ScriptedModel([]);
    const empty = digestTrajectories([], options);
    const result = await refineDigestClusters(empty, model);
    expect(result.digest).toEqual(empty);
    expect(model.calls).toHaveLength(0);
    await expect(refineDigestClusters(empty, model, { topN: 0 })).rejects.toBeInstanceOf(InputError);
  });
});
