/**
 * The household's tools: one declaration per tool gives both its JSON Schema (what the model sees)
 * and its zod schema (what `step` validates), so the two cannot drift. Invalid arguments are
 * answered with an error that names the expected arguments, as a helpful tool server would.
 */
import { z } from 'zod';
import type { ToolDefinition } from '../../providers/model.ts';

export interface HouseholdToolParameter {
  readonly name: string;
  readonly description: string;
}

export interface HouseholdToolDeclaration {
  readonly name: string;
  readonly description: string;
  readonly parameters: readonly HouseholdToolParameter[];
}

const target = (description: string): HouseholdToolParameter => ({ name: 'target', description });
const object = (description: string): HouseholdToolParameter => ({ name: 'object', description });

/** Every household tool, in the order they are offered. */
export const HOUSEHOLD_TOOL_DECLARATIONS: readonly HouseholdToolDeclaration[] = [
  { name: 'look', description: 'Describe the room you are in and what is around you.', parameters: [] },
  {
    name: 'go_to',
    description: 'Go to a receptacle in the current room, or to another room.',
    parameters: [target('A receptacle in this room (e.g. "countertop 1") or a room name (e.g. "bedroom").')],
  },
  {
    name: 'open',
    description: 'Open the closed receptacle you are at.',
    parameters: [target('The receptacle to open, e.g. "fridge 1".')],
  },
  {
    name: 'close',
    description: 'Close the open receptacle you are at.',
    parameters: [target('The receptacle to close, e.g. "fridge 1".')],
  },
  {
    name: 'take',
    description: 'Pick up an object from the receptacle you are at. You can hold one object.',
    parameters: [
      object('The object to pick up, e.g. "mug 1".'),
      { name: 'source', description: 'The receptacle it is in or on, e.g. "countertop 1".' },
    ],
  },
  {
    name: 'put',
    description: 'Put the object you hold in or on the receptacle you are at.',
    parameters: [object('The object you hold.'), target('The receptacle, e.g. "coffeemachine 1".')],
  },
  {
    name: 'clean',
    description: 'Clean the object you hold using the sinkbasin you are at.',
    parameters: [object('The object you hold.'), target('A sinkbasin, e.g. "sinkbasin 1".')],
  },
  {
    name: 'heat',
    description: 'Heat the object you hold using the microwave you are at.',
    parameters: [object('The object you hold.'), target('A microwave, e.g. "microwave 1".')],
  },
  {
    name: 'cool',
    description: 'Cool the object you hold using the fridge you are at.',
    parameters: [object('The object you hold.'), target('A fridge, e.g. "fridge 1".')],
  },
  {
    name: 'examine',
    description: 'Examine an object you hold or can see here, or the receptacle you are at.',
    parameters: [target('An object (e.g. "mug 1") or a receptacle (e.g. "drawer 2").')],
  },
  { name: 'inventory', description: 'Say what you are carrying.', parameters: [] },
  { name: 'finish', description: 'Declare the task complete and end the episode.', parameters: [] },
];

/** The tools as the model sees them: JSON Schemas with `required` and `additionalProperties: false`. */
export const HOUSEHOLD_TOOLS: readonly ToolDefinition[] = HOUSEHOLD_TOOL_DECLARATIONS.map((declaration) => ({
  name: declaration.name,
  description: declaration.description,
  parameters: {
    type: 'object',
    properties: Object.fromEntries(
      declaration.parameters.map((parameter) => [
        parameter.name,
        { type: 'string', description: parameter.description },
      ]),
    ),
    required: declaration.parameters.map((parameter) => parameter.name),
    additionalProperties: false,
  },
}));

const ARGUMENT_SCHEMAS: ReadonlyMap<string, z.ZodType<Record<string, string>>> = new Map(
  HOUSEHOLD_TOOL_DECLARATIONS.map((declaration) => [
    declaration.name,
    z
      .object(
        Object.fromEntries(declaration.parameters.map((parameter) => [parameter.name, z.string().min(1)])),
      )
      .strict() as z.ZodType<Record<string, string>>,
  ]),
);

/** `{"object": string, "source": string}`: the shape the error messages quote. */
export function describeExpectedArguments(declaration: HouseholdToolDeclaration): string {
  return `{${declaration.parameters.map((parameter) => `"${parameter.name}": string`).join(', ')}}`;
}

export type HouseholdToolParse =
  | { ok: true; name: string; arguments: Record<string, string> }
  | { ok: false; error: string };

/** Lower-cased, trimmed, single-spaced: `" Mug  1"` names `mug 1`. */
function normalizeValue(value: string): string {
  return value.trim().toLowerCase().replace(/\s+/g, ' ');
}

/**
 * Validates one call's already-parsed arguments. On failure the message names the tool's expected
 * arguments and each problem, e.g. `Error: take expects {"object": string, "source": string}; missing "source".`
 */
export function parseHouseholdToolCall(name: string, args: unknown): HouseholdToolParse {
  const declaration = HOUSEHOLD_TOOL_DECLARATIONS.find((candidate) => candidate.name === name);
  const schema = ARGUMENT_SCHEMAS.get(name);
  if (!declaration || !schema) {
    const names = HOUSEHOLD_TOOL_DECLARATIONS.map((candidate) => candidate.name).join(', ');
    return { ok: false, error: `Error: unknown tool "${name}"; the tools are ${names}.` };
  }
  const expected = `Error: ${name} expects ${describeExpectedArguments(declaration)}`;
  // Some clients send `null` or nothing for a tool without parameters.
  const value = args === undefined || (args === null && declaration.parameters.length === 0) ? {} : args;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, error: `${expected}; arguments must be a JSON object.` };
  }
  const result = schema.safeParse(value);
  if (result.success) {
    const normalized: Record<string, string> = {};
    for (const [key, raw] of Object.entries(result.data)) normalized[key] = normalizeValue(raw);
    return { ok: true, name, arguments: normalized };
  }
  const problems: string[] = [];
  const record = value as Record<string, unknown>;
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push(`unexpected "${key}"`);
      continue;
    }
    const key = String(issue.path[0] ?? '');
    if (!(key in record)) problems.push(`missing "${key}"`);
    else if (typeof record[key] !== 'string') problems.push(`"${key}" must be a string`);
    else problems.push(`"${key}" must not be empty`);
  }
  return { ok: false, error: `${expected}; ${problems.join('; ')}.` };
}
