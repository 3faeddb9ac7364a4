/**
 * The file registry's on-disk format, `harnessx.registry/1`: one JSON document holding every
 * current pointer, lease, counter, fan-in set and idempotency record. It is validated on every read, and kept
 * in memory as `Map`s so that no name a caller chooses can ever reach an object prototype.
 */
import { z } from 'zod';
import { InputError } from '../../errors.ts';
import type { CurrentPointer } from '../../ports/registry.ts';
import { findForbiddenKeys, parseJsonText, safeParseWith } from '../../schema.ts';

export const REGISTRY_FILE_SCHEMA_VERSION = 'harnessx.registry/1';

/** Longest name (harness, lease, owner, counter, record key) the registry accepts. */
export const MAX_REGISTRY_NAME_LENGTH = 1024;
/** Longest `recordOnce` value; well under DynamoDB's 400 KB item so both adapters accept the same values. */
export const MAX_RECORD_VALUE_LENGTH = 65_536;

const nameSchema = z.string().min(1).max(MAX_REGISTRY_NAME_LENGTH);
const timestampSchema = z.iso.datetime();

const currentPointerSchema = z
  .object({
    contentId: nameSchema,
    version: z.int().positive(),
    updatedAt: timestampSchema,
  })
  .strict();

const leaseSchema = z.object({ owner: nameSchema, expiresAt: timestampSchema }).strict();

const recordSchema = z
  .object({ value: z.string().max(MAX_RECORD_VALUE_LENGTH), recordedAt: timestampSchema })
  .strict();

export const registryFileSchema = z
  .object({
    schemaVersion: z.literal(REGISTRY_FILE_SCHEMA_VERSION),
    current: z.record(nameSchema, currentPointerSchema),
    leases: z.record(nameSchema, leaseSchema),
    counters: z.record(nameSchema, z.int()),
    records: z.record(nameSchema, recordSchema),
    /** Fan-in sets (distinct members, sorted). Optional: files written before fan-in existed lack it. */
    fanIn: z.record(nameSchema, z.array(nameSchema)).optional(),
  })
  .strict();

export type RegistryFile = z.infer<typeof registryFileSchema>;
export type RegistryLease = z.infer<typeof leaseSchema>;
export type RegistryRecord = z.infer<typeof recordSchema>;

/** The registry's state in memory. */
export interface RegistryState {
  current: Map<string, CurrentPointer>;
  leases: Map<string, RegistryLease>;
  counters: Map<string, number>;
  records: Map<string, RegistryRecord>;
  fanIn: Map<string, Set<string>>;
}

export function emptyRegistryState(): RegistryState {
  return { current: new Map(), leases: new Map(), counters: new Map(), records: new Map(), fanIn: new Map() };
}

/**
 * Parses the text of a registry file. A syntax error, a prototype-pollution key, a future schema
 * version or a wrong field raises an `InputError` naming `source` (the file) and the path.
 */
export function parseRegistryFile(text: string, source: string): RegistryState {
  const entity = 'registry file';
  const value = parseJsonText(text, entity, source);
  const forbidden = findForbiddenKeys(value);
  if (forbidden.length > 0) throw new InputError(entity, source, forbidden);
  const result = safeParseWith(registryFileSchema, value, entity, source);
  if (!result.success) throw result.error;
  const file = result.data;
  return {
    current: new Map(Object.entries(file.current)),
    leases: new Map(Object.entries(file.leases)),
    counters: new Map(Object.entries(file.counters)),
    records: new Map(Object.entries(file.records)),
    fanIn: new Map(Object.entries(file.fanIn ?? {}).map(([name, members]) => [name, new Set(members)])),
  };
}

const sortedObject = <T>(entries: Map<string, T>): Record<string, T> =>
  // Object.fromEntries defines own properties, so even an odd name stays data, never a prototype.
  Object.fromEntries([...entries].sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0)));

/** The file text for `state`: sorted keys, so successive versions diff cleanly. */
export function serializeRegistryFile(state: RegistryState): string {
  const file: RegistryFile = {
    schemaVersion: REGISTRY_FILE_SCHEMA_VERSION,
    current: sortedObject(state.current),
    leases: sortedObject(state.leases),
    counters: sortedObject(state.counters),
    records: sortedObject(state.records),
  };
  // Written only once a set exists, so a registry that never fans in keeps its earlier file shape.
  if (state.fanIn.size > 0) {
    const sets = new Map([...state.fanIn].map(([name, members]) => [name, [...members].sort()]));
    file.fanIn = sortedObject(sets);
  }
  return `${JSON.stringify(file, null, 2)}\n`;
}
