import { describe, expect, it } from 'vitest';
import { HOUSEHOLD_TOOLS, parseHouseholdToolCall } from './household-tools.ts';

describe('household tool schemas', () => {
  it('offers the twelve tools with strict JSON Schemas', () => {
    expect(HOUSEHOLD_TOOLS.map((tool) => tool.name)).toEqual([
      'look',
      'go_to',
      'open',
      'close',
      'take',
      'put',
      'clean',
      'heat',
      'cool',
      'examine',
      'inventory',
      'finish',
    ]);
    for (const tool of HOUSEHOLD_TOOLS) {
      expect(tool.parameters['type']).toBe('object');
      expect(tool.parameters['additionalProperties']).toBe(false);
      expect(tool.parameters['required']).toEqual(Object.keys(tool.parameters['properties'] as object));
    }
    expect(HOUSEHOLD_TOOLS.find((tool) => tool.name === 'take')?.parameters['required']).toEqual([
      'object',
      'source',
    ]);
  });
});

describe('parseHouseholdToolCall', () => {
  it('accepts valid arguments and normalises case and spacing', () => {
    expect(parseHouseholdToolCall('take', { object: ' Mug  1', source: 'countertop 1' })).toEqual({
      ok: true,
      name: 'take',
      arguments: { object: 'mug 1', source: 'countertop 1' },
    });
    expect(parseHouseholdToolCall('look', {})).toMatchObject({ ok: true });
    expect(parseHouseholdToolCall('finish', undefined)).toMatchObject({ ok: true });
  });

  it('names the expected arguments and the missing field', () => {
    expect(parseHouseholdToolCall('take', { object: 'mug 1' })).toEqual({
      ok: false,
      error: 'Error: take expects {"object": string, "source": string}; missing "source".',
    });
  });

  it('names a wrong key as unexpected and the right one as missing', () => {
    const result = parseHouseholdToolCall('take', { object_name: 'mug 1', source: 'countertop 1' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toContain('take expects {"object": string, "source": string}');
      expect(result.error).toContain('missing "object"');
      expect(result.error).toContain('unexpected "object_name"');
    }
  });

  it('names a wrongly typed field', () => {
    expect(parseHouseholdToolCall('go_to', { target: 3 })).toEqual({
      ok: false,
      error: 'Error: go_to expects {"target": string}; "target" must be a string.',
    });
  });

  it('rejects arguments to a tool without parameters, and non-object arguments', () => {
    expect(parseHouseholdToolCall('look', { where: 'here' })).toEqual({
      ok: false,
      error: 'Error: look expects {}; unexpected "where".',
    });
    expect(parseHouseholdToolCall('open', ['fridge 1'])).toEqual({
      ok: false,
      error: 'Error: open expects {"target": string}; arguments must be a JSON object.',
    });
  });

  it('names the available tools for an unknown one', () => {
    const result = parseHouseholdToolCall('fly', {});
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error).toMatch(/^Error: unknown tool "fly"; the tools are look, go_to, .*finish\.$/);
  });
});
