/**
 * The contract between the catalogue and the gate: every operator's change list must be exactly
 * what the gate's own spec diff finds, or the gate's "manifest complete" rule rejects the
 * candidate before it is judged on its merits.
 */
import { describe, expect, it } from 'vitest';
import { harnessContentId } from '../../harness/canonical.ts';
import { parseHarnessSpec } from '../../harness/spec.ts';
import type { ChangeManifest } from '../artifacts/candidate.ts';
import { compareManifestWithDiff, diffHarnessSpecs, processorKeys } from '../gate/index.ts';
import { applyCatalogueEdit } from './operators/index.ts';

const parent = parseHarnessSpec({
  schemaVersion: 'harnessx.harness/1',
  name: 'test-harness',
  models: { worker: { provider: 'simulated', model: 'sim' } },
  processors: [
    { id: 'goal-pin' },
    { id: 'plan-first' },
    { id: 'state-tracker-memory' },
    { id: 'context-compaction' },
  ],
  slots: { tools: { enabled: ['look', 'finish'] } },
});

const calls: [string, Record<string, unknown>][] = [
  ['add-processor', { id: 'loop-guard', after: 'goal-pin' }],
  ['remove-processor', { id: 'goal-pin' }],
  ['reorder-processor', { id: 'plan-first', before: 'goal-pin' }],
  ['configure-processor', { id: 'goal-pin', options: { position: 'start' } }],
  ['enable-tool', { tool: 'open' }],
  ['restrict-tools', { tools: ['finish'] }],
  ['set-compaction', { keepRecentTurns: 2 }],
  ['set-memory', { kind: 'episode', tracker: { maxEntries: 10 } }],
  ['set-memory', { kind: 'none' }],
  ['set-budget-split', { maxToolCalls: 50, maxTurns: 20 }],
  ['add-verification', { options: { maxChecks: 2 } }],
  ['append-system-prompt', { text: 'Be precise.' }],
  ['swap-processor', { from: 'plan-first', to: 'loop-guard' }],
];

describe('catalogue manifests and the gate', () => {
  it.each(calls)('%s %j lists exactly the differences the gate finds', (operator, params) => {
    const result = applyCatalogueEdit(parent, { operator, params });
    const candidate = parseHarnessSpec({ ...result.spec, parent: harnessContentId(parent) });
    const manifest = { changes: result.changes } as ChangeManifest;
    const comparison = compareManifestWithDiff(manifest, diffHarnessSpecs(parent, candidate), {
      before: processorKeys(parent.processors),
      after: processorKeys(candidate.processors),
    });
    expect(comparison).toMatchObject({ complete: true, unlisted: [], unreflected: [], mismatched: [] });
  });
});
