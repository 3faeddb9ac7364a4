/** Same inputs, same decision: the order of tasks and rollouts in the evaluations never matters. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../random.ts';
import type { Evaluation } from '../artifacts/evaluation.ts';
import { decideGate } from './decide-gate.ts';
import type { GateInput } from './gate-input.ts';
import {
  CURRENT_ADAPTATION,
  CURRENT_HELDOUT,
  gateScenario,
  type Outcomes,
} from './test-support/gate-scenario.ts';

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function shuffledEvaluation(evaluation: Evaluation, random: () => number): Evaluation {
  return {
    ...evaluation,
    tasks: shuffle(evaluation.tasks, random).map((task) => ({
      ...task,
      rollouts: shuffle(task.rollouts, random),
    })),
  };
}

async function shuffledInput(input: GateInput, seed: number): Promise<GateInput> {
  const random = createSeededRandom(seed);
  const source = input.evaluations.candidateHeldout;
  const candidateHeldout = typeof source === 'function' ? await source() : source;
  return {
    ...input,
    evaluations: {
      currentAdaptation: shuffledEvaluation(input.evaluations.currentAdaptation, random),
      currentReplicate: shuffledEvaluation(input.evaluations.currentReplicate, random),
      candidateAdaptation: shuffledEvaluation(input.evaluations.candidateAdaptation, random),
      currentHeldout: shuffledEvaluation(input.evaluations.currentHeldout, random),
      candidateHeldout: shuffledEvaluation(candidateHeldout, random),
    },
  };
}

const outcomeString = fc
  .array(fc.constantFrom('S', 'S', 'S', 'S', 'S', 'F', 'H'), { minLength: 3, maxLength: 3 })
  .map((letters) => letters.join(''));
const outcomesFor = (template: Outcomes) =>
  fc
    .tuple(...Object.keys(template).map(() => outcomeString))
    .map((values) =>
      Object.fromEntries(Object.keys(template).map((taskId, index) => [taskId, values[index]!])),
    );

describe('gate determinism', () => {
  it('gives the identical decision JSON for any order of tasks and rollouts', async () => {
    let accepted = 0;
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(
        outcomesFor(CURRENT_ADAPTATION),
        outcomesFor(CURRENT_HELDOUT),
        fc.nat(),
        async (adaptation, heldout, seed) => {
          const scenario = gateScenario({ candidateAdaptation: adaptation, candidateHeldout: heldout });
          const reference = await decideGate(
            gateScenario({ candidateAdaptation: adaptation, candidateHeldout: heldout }).input,
          );
          const decision = await decideGate(await shuffledInput(scenario.input, seed));
          expect(JSON.stringify(decision)).toBe(JSON.stringify(reference));
          if (reference.accepted) accepted++;
          else rejected++;
        },
      ),
      { numRuns: 150, seed: 20240601 },
    );
    // The generated candidates exercise both outcomes, not only one path.
    expect(accepted).toBeGreaterThan(0);
    expect(rejected).toBeGreaterThan(0);
  });
});
