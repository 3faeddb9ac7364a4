import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { canonicalJson, harnessContentId } from './canonical.ts';
import { exportJsonSchema } from './json-schema.ts';
import { parseHarnessText } from './load.ts';
import { parseHarnessSpec, safeParseHarnessSpec } from './spec.ts';

const minimal = {
  schemaVersion: 'harnessx.harness/1',
  name: 'baseline',
  models: { worker: { provider: 'simulated', model: 'harnessx-sim-small' } },
};

describe('HarnessSpec', () => {
  it('fills documented defaults', () => {
    const spec = parseHarnessSpec(minimal);
    expect(spec.budgets.maxTurns).toBe(30);
    expect(spec.processors).toEqual([]);
    expect(spec.slots.tools.enabled).toBe('all');
  });

  it('names the path and the expectation of every problem', () => {
    const result = safeParseHarnessSpec(
      { ...minimal, name: 'Bad Name', budgets: { maxTurns: 0 }, surprise: 1 },
      'my-harness.yaml',
    );
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error).toBeInstanceOf(InputError);
    const paths = result.error.issues.map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['name', 'budgets.maxTurns']));
    expect(result.error.message).toContain('my-harness.yaml');
  });

  it('rejects a future schema version and prototype-pollution keys', () => {
    expect(() => parseHarnessSpec({ ...minimal, schemaVersion: 'harnessx.harness/2' })).toThrow(InputError);
    const polluted = JSON.parse(
      '{"schemaVersion":"harnessx.harness/1","name":"x","models":{"worker":{"provider":"a","model":"b","options":{"__proto__":{"admin":true}}}}}',
    );
    expect(() => parseHarnessSpec(polluted, 'p.json')).toThrow(/forbidden key "__proto__"/);
  });

  it('loads YAML and JSON to the same content id whatever the key order', () => {
    const yaml = parseHarnessText(
      'models:\n  worker: { model: harnessx-sim-small, provider: simulated }\nname: baseline\nschemaVersion: harnessx.harness/1\n',
      'a.yaml',
    );
    const json = parseHarnessText(JSON.stringify(minimal), 'a.json');
    expect(harnessContentId(yaml)).toBe(harnessContentId(json));
    expect(harnessContentId(json)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('reports unparseable YAML as an InputError naming the file', () => {
    expect(() => parseHarnessText('name: [unclosed', 'broken.yaml')).toThrow(/broken\.yaml/);
  });

  it('changes the content id when any content changes', () => {
    const a = parseHarnessSpec(minimal);
    const b = parseHarnessSpec({ ...minimal, budgets: { maxTurns: 31 } });
    expect(harnessContentId(a)).not.toBe(harnessContentId(b));
  });

  it('canonical JSON is independent of key order (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (record) => {
        const reversed = Object.fromEntries(Object.entries(record).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(record));
      }),
    );
  });

  it('exports a JSON Schema that requires the schema version', () => {
    const schema = exportJsonSchema('harness');
    expect(schema.title).toBe('harnessx.harness/1');
    expect(schema.required).toEqual(expect.arrayContaining(['schemaVersion', 'name', 'models']));
  });
});
