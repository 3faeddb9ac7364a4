/**
 * The sentences the simulated worker understands, wherever they appear in its context: the text
 * world's observations, the goal sentence and its own plan. It recognises the sentences, never who
 * wrote them, so a processor that restates an observation verbatim is understood like the world.
 */

export type Modifier = 'clean' | 'hot' | 'cold';

/** One thing an observation says about the world. */
export type WorldFact =
  | {
      kind: 'room-view';
      room: string;
      receptacles: { name: string; open?: boolean }[];
      otherRooms: string[];
    }
  | { kind: 'at'; receptacle: string }
  | { kind: 'contents'; receptacle: string; objects: string[] }
  | { kind: 'open-state'; receptacle: string; open: boolean }
  | { kind: 'pickup'; object: string; source: string }
  | { kind: 'put'; object: string; target: string }
  | { kind: 'apply'; effect: 'clean' | 'heat' | 'cool'; object: string; appliance: string }
  | { kind: 'object-state'; object: string; states: string[] }
  | { kind: 'carrying'; object: string | null };

/** What the worker is asked to do: `count` objects of `type` (with `modifier`) in or on `target`. */
export interface SimulatedGoal {
  type: string;
  count: 1 | 2;
  modifier: Modifier | null;
  target: string;
  preposition: 'in' | 'on';
}

/** A recognised sentence: its text (the key for restatements), where it starts and ends, and what it says. */
export interface SentenceMatch<T> {
  text: string;
  start: number;
  end: number;
  value: T;
}

const NAME = '[a-z]+ \\d+';
const ROOM = '[a-z]+(?: [a-z]+)?';
/** A complete object list (`a mug 1, and an apple 2` or `nothing`); a cut-off list does not match. */
const ITEM = `an? ${NAME}`;
const OBJECT_LIST = `nothing|${ITEM}(?:,(?: and)? ${ITEM})*`;
const RECEPTACLE_LIST = `${NAME}(?: \\((?:open|closed)\\))?(?:, ${NAME}(?: \\((?:open|closed)\\))?)*`;
const ROOM_LIST = `${ROOM}(?:, ${ROOM})*`;
/** A sentence end that is not an ellipsis. */
const END = '\\.(?!\\.)';

function listItems(list: string): string[] {
  const trimmed = list.trim();
  if (trimmed === '' || trimmed.toLowerCase() === 'nothing') return [];
  return trimmed
    .split(/,\s*(?:and\s+)?|\s+and\s+/)
    .map((item) => item.trim().replace(/^(?:a|an|the)\s+/i, ''))
    .filter((item) => item !== '');
}

const lower = (text: string | undefined): string => (text ?? '').toLowerCase();

type Recognizer = { pattern: RegExp; read: (match: RegExpExecArray) => WorldFact[] };

const WORLD_RECOGNIZERS: readonly Recognizer[] = [
  {
    pattern: new RegExp(
      `You (?:are in|enter) the (${ROOM})\\. Around you: (${RECEPTACLE_LIST})\\. Other rooms: (${ROOM_LIST})${END}`,
      'gi',
    ),
    read: (m) => [
      {
        kind: 'room-view',
        room: lower(m[1]),
        receptacles: listItems(lower(m[2])).map((item) => {
          const annotated = /^(.*?) \((open|closed)\)$/.exec(item);
          return annotated ? { name: annotated[1]!, open: annotated[2] === 'open' } : { name: item };
        }),
        otherRooms: listItems(lower(m[3])),
      },
    ],
  },
  {
    pattern: new RegExp(`You (?:are at|arrive at) (${NAME})\\.`, 'gi'),
    read: (m) => [{ kind: 'at', receptacle: lower(m[1]) }],
  },
  {
    pattern: new RegExp(`\\b(?:On|In) (${NAME}) you see (${OBJECT_LIST})${END}`, 'gi'),
    read: (m) => [{ kind: 'contents', receptacle: lower(m[1]), objects: listItems(lower(m[2])) }],
  },
  {
    pattern: new RegExp(`The (${NAME}) is (open|closed)\\.`, 'gi'),
    read: (m) => [{ kind: 'open-state', receptacle: lower(m[1]), open: lower(m[2]) === 'open' }],
  },
  {
    pattern: new RegExp(`You (open|close) the (${NAME})\\.`, 'gi'),
    read: (m) => [{ kind: 'open-state', receptacle: lower(m[2]), open: lower(m[1]) === 'open' }],
  },
  {
    pattern: new RegExp(`You pick up the (${NAME}) from the (${NAME})\\.`, 'gi'),
    read: (m) => [{ kind: 'pickup', object: lower(m[1]), source: lower(m[2]) }],
  },
  {
    pattern: new RegExp(`You put the (${NAME}) (?:in/on|in|on) the (${NAME})\\.`, 'gi'),
    read: (m) => [{ kind: 'put', object: lower(m[1]), target: lower(m[2]) }],
  },
  {
    pattern: new RegExp(`You (clean|heat|cool) the (${NAME}) using the (${NAME})\\.`, 'gi'),
    read: (m) => [
      {
        kind: 'apply',
        effect: lower(m[1]) as 'clean' | 'heat' | 'cool',
        object: lower(m[2]),
        appliance: lower(m[3]),
      },
    ],
  },
  {
    pattern: new RegExp(
      `\\b(${NAME}): ((?:clean|dirty|hot|cold|nothing special)(?:, (?:clean|dirty|hot|cold))*)\\.`,
      'gi',
    ),
    read: (m) => [{ kind: 'object-state', object: lower(m[1]), states: listItems(lower(m[2])) }],
  },
  {
    pattern: new RegExp(`You are carrying(?:: (${NAME})| nothing)\\.`, 'gi'),
    read: (m) => [{ kind: 'carrying', object: m[1] ? lower(m[1]) : null }],
  },
];

/** Every world sentence in `text`, in order of appearance. */
export function recognizeWorldSentences(text: string): SentenceMatch<WorldFact>[] {
  const found: SentenceMatch<WorldFact>[] = [];
  for (const { pattern, read } of WORLD_RECOGNIZERS) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      for (const value of read(m)) {
        found.push({ text: m[0], start: m.index, end: m.index + m[0].length, value });
      }
    }
  }
  return found.sort((a, b) => a.start - b.start || a.end - b.end);
}

/** `apples` → `apple`, `tomatoes` → `tomato`, `watches` → `watch`. */
export function singularize(word: string): string {
  if (/(?:o|x|s|ch|sh)es$/.test(word)) return word.slice(0, -2);
  return word.endsWith('s') ? word.slice(0, -1) : word;
}

const GOAL_PATTERN = new RegExp(
  `Your task is to: put (a|an|two) (?:(clean|hot|cold) )?([a-z]+) (in|on) (${NAME})\\.`,
  'gi',
);

/** Every goal sentence (`Your task is to: put two clean mugs in cabinet 1.`) in `text`. */
export function recognizeGoalSentences(text: string): SentenceMatch<SimulatedGoal>[] {
  const found: SentenceMatch<SimulatedGoal>[] = [];
  GOAL_PATTERN.lastIndex = 0;
  for (let m = GOAL_PATTERN.exec(text); m !== null; m = GOAL_PATTERN.exec(text)) {
    const two = lower(m[1]) === 'two';
    found.push({
      text: m[0],
      start: m.index,
      end: m.index + m[0].length,
      value: {
        type: two ? singularize(lower(m[3])) : lower(m[3]),
        count: two ? 2 : 1,
        modifier: (m[2] ? lower(m[2]) : null) as Modifier | null,
        target: lower(m[5]),
        preposition: lower(m[4]) === 'in' ? 'in' : 'on',
      },
    });
  }
  return found;
}
