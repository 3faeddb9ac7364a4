/** Frozen `harnessx.evaluation/1` and `harnessx.cycle/1` fixtures: the valid ones parse, each bad one fails at its path. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.ts';
import { cycleStateArtifact } from './cycle-state.ts';
import { evaluationArtifact } from './evaluation.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const load = (name: string): unknown => JSON.parse(readFileSync(`${FIXTURES}${name}`, 'utf8'));

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
        const result = codec.safeParse(load(name), name);
        expect(result.success).toBe(false);
        if (result.success) return;
        expect(result.error).toBeInstanceOf(InputError);
        const issuePaths = result.error.issues.map((issue) => issue.path);
        for (const path of paths) expect(issuePaths).toContain(path);
      });
    }
  });
}
