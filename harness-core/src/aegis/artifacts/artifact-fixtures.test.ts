import { describe, expect, it } from 'vitest';
import { cycleStateArtifact } from './cycle-state.ts';
import { evaluationArtifact } from './evaluation.ts';
import { expectBadFixtureRejected, loadArtifactFixture } from './test-support/artifact-fixtures.ts';

const load = loadArtifactFixture;

const cases = [
  {
    codec: evaluationArtifact,
    valid: 'evaluation-1.json',
    bad: [
      ['evaluation-1.bad-future-version.json', ['schemaVersion']],
      ['evaluation-1.bad-missing-field.json', ['k', 'tasks[0].rollouts[0].traceId']],
      ['evaluation-1.bad-prototype-pollution.json', ['__proto__']],
      ['evaluation-1.bad-huge-string.json', ['tasks[0].rollouts[0].traceId']],
      ['evaluation-1.bad-wrong-types.json', ['successRate', 'tasks[0].difficulty']],
    ],
  },
  {
    codec: cycleStateArtifact,
    valid: 'cycle-1.json',
    bad: [
      ['cycle-1.bad-future-version.json', ['schemaVersion']],
      ['cycle-1.bad-missing-field.json', ['currentContentId']],
      ['cycle-1.bad-prototype-pollution.json', ['constructor']],
      ['cycle-1.bad-huge-string.json', ['cycleId']],
      ['cycle-1.bad-wrong-types.json', ['stage', 'index']],
    ],
  },
] as const;

for (const { codec, valid, bad } of cases) {
  describe(`${codec.schemaVersion} frozen fixtures`, () => {
    it(`parses ${valid}`, () => {
      expect(codec.parse(load(valid), valid)).toMatchObject({ schemaVersion: codec.schemaVersion });
    });
    for (const [name, paths] of bad) {
      it(`rejects ${name} with an InputError naming ${paths.join(', ')}`, () => {
        expectBadFixtureRejected(codec, name, paths);
      });
    }
  });
}
