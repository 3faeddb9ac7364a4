/**
 * The worker's own plan format and the degraded goal it falls back on. A plan it wrote keeps the
 * goal's details (state, count) in view after the goal sentence has scrolled far back; without
 * either, it only "remembers roughly what to do": the object type and the target.
 */
import { type Modifier, type SentenceMatch, type SimulatedGoal, singularize } from './world-sentences.ts';

const VERB_FOR_MODIFIER: Readonly<Record<Modifier, { verb: string; appliance: string }>> = {
  clean: { verb: 'clean', appliance: 'sinkbasin' },
  hot: { verb: 'heat', appliance: 'microwave' },
  cold: { verb: 'cool', appliance: 'fridge' },
};
const MODIFIER_FOR_VERB: Readonly<Record<string, Modifier>> = { clean: 'clean', heat: 'hot', cool: 'cold' };

/** The appliance kind that gives an object `modifier`. */
export function applianceKindFor(modifier: Modifier): string {
  return VERB_FOR_MODIFIER[modifier].appliance;
}

export function applianceVerbFor(modifier: Modifier): 'clean' | 'heat' | 'cool' {
  return VERB_FOR_MODIFIER[modifier].verb as 'clean' | 'heat' | 'cool';
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

function plural(type: string): string {
  return /(o|x|s|ch|sh)$/.test(type) ? `${type}es` : `${type}s`;
}

/** What the worker still remembers of a goal it cannot recall: type and target, not state or count. */
export function degradeGoal(goal: SimulatedGoal): SimulatedGoal {
  return { ...goal, modifier: null, count: 1 };
}

/** The steps of a plan for `goal`, in the worker's stable format. */
export function planSteps(goal: SimulatedGoal): string[] {
  const pronoun = goal.count === 2 ? 'them' : 'it';
  const steps = [
    goal.count === 2 ? `find two ${plural(goal.type)}` : `find ${article(goal.type)} ${goal.type}`,
  ];
  if (goal.modifier !== null) {
    const { verb, appliance } = VERB_FOR_MODIFIER[goal.modifier];
    steps.push(`${verb} ${pronoun} at ${article(appliance)} ${appliance}`);
  }
  steps.push(`put ${pronoun} ${goal.preposition} ${goal.target}`, 'finish');
  return steps;
}

/** `Plan: 1) find a mug 2) clean it at a sinkbasin 3) put it in coffeemachine 1 4) finish. Next: step 2.` */
export function formatPlan(goal: SimulatedGoal, nextStep: number): string {
  const steps = planSteps(goal).map((step, index) => `${index + 1}) ${step}`);
  return `Plan: ${steps.join(' ')}. Next: step ${nextStep}.`;
}

const PLAN_PATTERN =
  /Plan: 1\) find (a|an|two) ([a-z]+) (?:2\) (clean|heat|cool) (?:it|them) at an? [a-z]+ )?\d\) put (?:it|them) (in|on) ([a-z]+ \d+) \d\) finish\./gi;

/** Every plan in the worker's format found in `text`, read back as the goal it was made from. */
export function recognizePlans(text: string): SentenceMatch<SimulatedGoal>[] {
  const found: SentenceMatch<SimulatedGoal>[] = [];
  PLAN_PATTERN.lastIndex = 0;
  for (let m = PLAN_PATTERN.exec(text); m !== null; m = PLAN_PATTERN.exec(text)) {
    const two = m[1]?.toLowerCase() === 'two';
    const type = (m[2] ?? '').toLowerCase();
    found.push({
      text: m[0],
      start: m.index,
      end: m.index + m[0].length,
      value: {
        type: two ? singularize(type) : type,
        count: two ? 2 : 1,
        modifier: m[3] ? (MODIFIER_FOR_VERB[m[3].toLowerCase()] ?? null) : null,
        target: (m[5] ?? '').toLowerCase(),
        preposition: m[4]?.toLowerCase() === 'in' ? 'in' : 'on',
      },
    });
  }
  return found;
}
