/**
 * Pure check of parsed tool arguments against the subset of JSON Schema that tool definitions use
 * (type, properties, required, additionalProperties, enum, items), with the repairs a model's
 * near misses allow: a misspelt key mapped to the one property it can mean, scalars in the wrong
 * type coerced, and a lone value wrapped into the only property.
 */
import type { JsonSchemaObject } from '../../providers/model.ts';

/** Which repairs `conformToSchema` may make. */
export interface ConformOptions {
  mapNearMissKeys: boolean;
  coerceTypes: boolean;
}

/** The value after repairs, what is still wrong, and what was changed. */
export interface ConformResult {
  /** The arguments after the repairs below. */
  value: unknown;
  /** What is still wrong, in words, e.g. `missing "source"`. Empty when the value conforms. */
  issues: string[];
  /** What was changed, e.g. `renamed "object_name" to "object"`. */
  fixes: string[];
}

type Schema = Record<string, unknown>;

function asSchema(value: unknown): Schema | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Schema) : undefined;
}

function schemaTypes(schema: Schema): string[] {
  const type = schema['type'];
  if (typeof type === 'string') return [type];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === 'string');
  if (asSchema(schema['properties'])) return ['object'];
  return [];
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(value: unknown, type: string): boolean {
  const actual = jsonTypeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

function coerceScalar(value: unknown, type: string): { ok: true; value: unknown } | { ok: false } {
  if (type === 'string' && (typeof value === 'number' || typeof value === 'boolean'))
    return { ok: true, value: String(value) };
  if ((type === 'number' || type === 'integer') && typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    if (Number.isFinite(n) && (type === 'number' || Number.isInteger(n))) return { ok: true, value: n };
  }
  if (type === 'boolean' && (value === 'true' || value === 'false'))
    return { ok: true, value: value === 'true' };
  return { ok: false };
}

const normaliseKey = (key: string): string => key.toLowerCase().replace(/[\s_-]/g, '');

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** True when `key` plausibly means `property`: same letters, a prefix (`object_name`), or a typo. */
export function isNearMissKey(key: string, property: string): boolean {
  const k = normaliseKey(key);
  const p = normaliseKey(property);
  if (k === p) return true;
  if (Math.min(k.length, p.length) >= 3 && (k.startsWith(p) || p.startsWith(k))) return true;
  return Math.min(k.length, p.length) >= 4 && editDistance(k, p) <= 2;
}

/**
 * Checks `value` against `schema`, applying the allowed repairs.
 * @example conformToSchema({ object_name: 'apple' }, takeSchema, opts).fixes // ['renamed "object_name" to "object"']
 */
export function conformToSchema(
  value: unknown,
  schema: JsonSchemaObject,
  options: ConformOptions,
): ConformResult {
  const fixes: string[] = [];
  const issues: string[] = [];
  let root = value;
  const properties = asSchema(schema['properties']);
  const propertyNames = properties ? Object.keys(properties) : [];
  if (schemaTypes(schema).includes('object') && jsonTypeOf(root) !== 'object' && propertyNames.length === 1) {
    root = { [propertyNames[0]!]: root };
    fixes.push(`wrapped the value into "${propertyNames[0]}"`);
  }
  const checked = checkValue(root, schema, '', options, fixes, issues);
  return { value: checked, issues, fixes };
}

function label(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function checkValue(
  value: unknown,
  schema: Schema,
  path: string,
  options: ConformOptions,
  fixes: string[],
  issues: string[],
): unknown {
  const types = schemaTypes(schema);
  let current = value;
  if (types.length > 0 && !types.some((type) => typeMatches(current, type))) {
    const coerced = options.coerceTypes
      ? types.map((type) => coerceScalar(current, type)).find((r) => r.ok)
      : undefined;
    if (coerced?.ok) {
      fixes.push(`converted ${path === '' ? 'the arguments' : `"${path}"`} to ${jsonTypeOf(coerced.value)}`);
      current = coerced.value;
    } else {
      const where = path === '' ? 'the arguments' : `"${path}"`;
      issues.push(`${where} must be ${types.join(' or ')}, got ${jsonTypeOf(current)}`);
      return current;
    }
  }
  const allowed = schema['enum'];
  if (Array.isArray(allowed) && !includesStrictly(allowed, current)) {
    issues.push(`"${path}" must be one of ${allowed.map((option) => JSON.stringify(option)).join(', ')}`);
  }
  if (jsonTypeOf(current) === 'array') {
    const items = asSchema(schema['items']);
    if (items)
      return (current as unknown[]).map((item, index) =>
        checkValue(item, items, `${path}[${index}]`, options, fixes, issues),
      );
    return current;
  }
  if (jsonTypeOf(current) === 'object')
    return checkObject(current as Record<string, unknown>, schema, path, options, fixes, issues);
  return current;
}

/*
 * Tool schemas reach this check deep-frozen (the runtime freezes what processors see), and on a
 * frozen array `filter` and `some` leave V8's fast paths and cost several times as much as a loop.
 */

/** The strings of `value` in order, or none when it is not an array (`filter` on typeof string). */
function stringsOf(value: unknown): string[] {
  const strings: string[] = [];
  if (!Array.isArray(value)) return strings;
  for (let index = 0; index < value.length; index++) {
    const item: unknown = value[index];
    if (typeof item === 'string') strings.push(item);
  }
  return strings;
}

/** `options.some((option) => option === value)`. */
function includesStrictly(options: readonly unknown[], value: unknown): boolean {
  for (let index = 0; index < options.length; index++) if (options[index] === value) return true;
  return false;
}

function checkObject(
  input: Record<string, unknown>,
  schema: Schema,
  path: string,
  options: ConformOptions,
  fixes: string[],
  issues: string[],
): Record<string, unknown> {
  const properties = asSchema(schema['properties']) ?? {};
  const required = stringsOf(schema['required']);
  const closed = schema['additionalProperties'] === false;
  let out: Record<string, unknown> = { ...input };

  // Most calls use only known keys: then there is nothing to rename, and no candidates to build.
  const unknownKeys = options.mapNearMissKeys
    ? Object.keys(out).filter((key) => !Object.hasOwn(properties, key))
    : [];
  if (unknownKeys.length > 0) {
    const renames = new Map<string, string>();
    const absent = Object.keys(properties).filter((key) => !Object.hasOwn(out, key));
    const candidates = new Map(unknownKeys.map((key) => [key, absent.filter((p) => isNearMissKey(key, p))]));
    for (const [key, targets] of candidates) {
      const target = targets.length === 1 ? targets[0]! : undefined;
      if (target === undefined) continue;
      const rivals = [...candidates.values()].filter((other) => other.includes(target)).length;
      if (rivals !== 1 || !(closed || required.includes(target))) continue;
      renames.set(key, target);
      fixes.push(`renamed "${label(path, key)}" to "${label(path, target)}"`);
    }
    // Rebuilt rather than assigned, so a renamed key keeps its position in the call.
    if (renames.size > 0)
      out = Object.fromEntries(Object.entries(out).map(([key, item]) => [renames.get(key) ?? key, item]));
  }

  for (const key of required) {
    if (!Object.hasOwn(out, key) || out[key] === undefined) issues.push(`missing "${label(path, key)}"`);
  }
  for (const [key, item] of Object.entries(out)) {
    const propertySchema = Object.hasOwn(properties, key) ? asSchema(properties[key]) : undefined;
    if (propertySchema) out[key] = checkValue(item, propertySchema, label(path, key), options, fixes, issues);
    else if (closed) issues.push(`unexpected key "${label(path, key)}"`);
  }
  return out;
}

/**
 * The expected shape in one line, e.g. `{"object": string, "source": string, "count"?: integer}`.
 */
export function describeSchemaShape(schema: JsonSchemaObject): string {
  return describeNode(schema, 0);
}

function describeNode(schema: Schema, depth: number): string {
  const allowed = schema['enum'];
  if (Array.isArray(allowed)) return allowed.map((option) => JSON.stringify(option)).join(' | ');
  const types = schemaTypes(schema);
  if (types.includes('object')) {
    const properties = asSchema(schema['properties']);
    if (!properties || depth > 2) return 'object';
    const required = Array.isArray(schema['required']) ? schema['required'] : [];
    const members = Object.entries(properties).map(([key, sub]) => {
      const optional = required.includes(key) ? '' : '?';
      return `${JSON.stringify(key)}${optional}: ${describeNode(asSchema(sub) ?? {}, depth + 1)}`;
    });
    return `{${members.join(', ')}}`;
  }
  if (types.includes('array')) {
    const items = asSchema(schema['items']);
    return items ? `${describeNode(items, depth + 1)}[]` : 'array';
  }
  return types.length > 0 ? types.join(' | ') : 'any';
}
