/**
 * Reading and writing the dataset files: `groups.jsonl` (one validated group per line) and
 * `manifest.json`, under `datasets/grpo/<cycleId>/` of an `ArtifactStore`. Both are immutable
 * once written; reading re-validates every line and checks the manifest's sha256 and counts.
 */
import { InputError, type InputIssue } from '../errors.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import { parseJsonText, safeParseWith } from '../schema.ts';
import { groupRecordSchema, type XgrpoGroupRecord } from './group-record-schema.ts';
import { manifestSchema, type XgrpoManifest } from './manifest-schema.ts';
import { sha256Hex } from './policy.ts';

export const GROUP_RECORD_ENTITY = 'xgrpo group record';
export const MANIFEST_ENTITY = 'xgrpo manifest';

export const datasetKeys = {
  groups: (cycleId: string) => `datasets/grpo/${cycleId}/groups.jsonl`,
  manifest: (cycleId: string) => `datasets/grpo/${cycleId}/manifest.json`,
} as const;

/** Validates one group record; errors name `source:line` and the JSON path. */
export function parseGroupRecord(value: unknown, source: string, line: number): XgrpoGroupRecord {
  const result = safeParseWith(groupRecordSchema, value, GROUP_RECORD_ENTITY, `${source} line ${line}`);
  if (!result.success) throw result.error;
  return result.data;
}

/** Parses JSONL text: every non-empty line must be a valid group record. */
export function parseGroupsJsonl(text: string, source: string): XgrpoGroupRecord[] {
  const records: XgrpoGroupRecord[] = [];
  const lines = text.split('\n');
  lines.forEach((lineText, index) => {
    if (lineText === '' && index === lines.length - 1) return;
    const where = `${source} line ${index + 1}`;
    if (lineText.trim() === '')
      throw new InputError(GROUP_RECORD_ENTITY, where, [{ path: '', message: 'empty line inside the file' }]);
    records.push(parseGroupRecord(parseJsonText(lineText, GROUP_RECORD_ENTITY, where), source, index + 1));
  });
  return records;
}

export function parseManifest(value: unknown, source: string): XgrpoManifest {
  const result = safeParseWith(manifestSchema, value, MANIFEST_ENTITY, source);
  if (!result.success) throw result.error;
  return result.data;
}

/**
 * Serialises records, validating each first (the writer never emits what the reader rejects).
 * `JSON.stringify` writes floats in shortest round-trip form and keys in construction order.
 */
export function serializeGroups(
  records: readonly XgrpoGroupRecord[],
  source = 'groups.jsonl (to write)',
): string {
  records.forEach((record, index) => {
    parseGroupRecord(record, source, index + 1);
  });
  return records.map((record) => `${JSON.stringify(record)}\n`).join('');
}

export function serializeManifest(manifest: XgrpoManifest, source = 'manifest.json (to write)'): string {
  parseManifest(manifest, source);
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** Recount of a manifest's JSONL-derived counts; differences are issues at the manifest's path. */
export function checkManifestAgainstGroups(
  manifest: XgrpoManifest,
  records: readonly XgrpoGroupRecord[],
  jsonl: string,
): InputIssue[] {
  const issues: InputIssue[] = [];
  const expect = (path: string, actual: number | string, stated: number | string) => {
    if (actual !== stated) issues.push({ path, message: `states ${stated} but the dataset has ${actual}` });
  };
  expect('dataset_sha256', sha256Hex(jsonl), manifest.dataset_sha256);
  expect('counts.groups.kept', records.length, manifest.counts.groups.kept);
  const trajectories = records.flatMap((record) => record.trajectories);
  expect('counts.trajectories.kept', trajectories.length, manifest.counts.trajectories.kept);
  const zero = trajectories.filter((t) => Math.abs(t.advantage) <= manifest.filter.zero_advantage_tol).length;
  expect('counts.zero_advantage', zero, manifest.counts.zero_advantage);
  const { groups, trajectories: t } = manifest.counts;
  const dropped = Object.values(groups.dropped).reduce((sum, n) => sum + n, 0);
  expect('counts.groups.in', groups.kept + dropped, groups.in);
  const excluded = Object.values(t.excluded).reduce((sum, n) => sum + n, 0);
  expect('counts.trajectories.in', t.kept + excluded + t.in_dropped_groups, t.in);
  return issues;
}

export async function writeGroupDataset(
  store: ArtifactStore,
  cycleId: string,
  dataset: { jsonl: string; manifest: XgrpoManifest },
): Promise<{ groupsKey: string; manifestKey: string }> {
  const groupsKey = datasetKeys.groups(cycleId);
  const manifestKey = datasetKeys.manifest(cycleId);
  const records = parseGroupsJsonl(dataset.jsonl, groupsKey);
  const issues = checkManifestAgainstGroups(dataset.manifest, records, dataset.jsonl);
  if (issues.length > 0) throw new InputError(MANIFEST_ENTITY, `${manifestKey} (to write)`, issues);
  // The JSONL first: a manifest is only ever visible next to the data it describes.
  await store.putImmutable(groupsKey, dataset.jsonl);
  await store.putImmutable(manifestKey, serializeManifest(dataset.manifest));
  return { groupsKey, manifestKey };
}

export interface StoredGroupDataset {
  jsonl: string;
  records: XgrpoGroupRecord[];
  manifest: XgrpoManifest;
}

export async function readGroupDataset(store: ArtifactStore, cycleId: string): Promise<StoredGroupDataset> {
  const groupsKey = datasetKeys.groups(cycleId);
  const manifestKey = datasetKeys.manifest(cycleId);
  const [groupBytes, manifestBytes] = await Promise.all([store.get(groupsKey), store.get(manifestKey)]);
  if (groupBytes === undefined || manifestBytes === undefined) {
    const missing = groupBytes === undefined ? groupsKey : manifestKey;
    throw new InputError('xgrpo dataset', `cycle ${cycleId}`, [
      { path: missing, message: 'not in the store' },
    ]);
  }
  const jsonl = new TextDecoder('utf-8', { fatal: true }).decode(groupBytes);
  const manifestText = new TextDecoder('utf-8').decode(manifestBytes);
  const manifest = parseManifest(parseJsonText(manifestText, MANIFEST_ENTITY, manifestKey), manifestKey);
  const records = parseGroupsJsonl(jsonl, groupsKey);
  const issues = checkManifestAgainstGroups(manifest, records, jsonl);
  if (issues.length > 0) throw new InputError(MANIFEST_ENTITY, manifestKey, issues);
  return { jsonl, records, manifest };
}
