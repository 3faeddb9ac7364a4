import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { actionKey, canonicalArguments, describeAction, fillTemplate } from './describe-action.ts';

describe('actionKey', () => {
  it('keys a call by its name and canonical arguments, whatever the key order and spacing', () => {
    expect(actionKey('take', '{"source":"table", "object":"apple"}')).toBe(
      'take {"object":"apple","source":"table"}',
    );
    expect(actionKey('take', '{"object":"apple","source":"table"}')).toBe(
      actionKey('take', ' {"source": "table","object": "apple"} '),
    );
    expect(actionKey('put', '{"object":"apple"}')).not.toBe(actionKey('take', '{"object":"apple"}'));
  });

  it('keeps text that is not JSON as written, trimmed, and reads empty arguments as {}', () => {
    expect(actionKey('go', " {target: 'kitchen'} ")).toBe("go {target: 'kitchen'}");
    expect(actionKey('look', '')).toBe('look {}');
    expect(canonicalArguments('  ')).toBe('{}');
  });

  it('gives the same answer on every call for the same call, including repeated ones', () => {
    const first = [
      actionKey('go_to', '{"target":"shelf 1"}'),
      describeAction('go_to', '{"target":"shelf 1"}'),
    ];
    for (let i = 0; i < 3; i++) {
      expect(actionKey('go_to', '{"target":"shelf 1"}')).toBe(first[0]);
      expect(describeAction('go_to', '{"target":"shelf 1"}')).toBe(first[1]);
    }
  });

  it('stays correct past the memo bound', () => {
    for (let i = 0; i < 1200; i++) {
      expect(actionKey('go_to', `{"target":"shelf ${i}"}`)).toBe(`go_to {"target":"shelf ${i}"}`);
    }
    const long = JSON.stringify({ text: 'x'.repeat(2000) });
    expect(actionKey('say', long)).toBe(`say ${long}`);
  });
});

describe('describeAction', () => {
  it('names the action and its arguments in plain words', () => {
    expect(describeAction('go_to', '{"target":"kitchen"}')).toBe('go_to with target "kitchen"');
    expect(describeAction('take', '{"source":"table","object":"apple"}')).toBe(
      'take with object "apple" and source "table"',
    );
    expect(describeAction('look', '{}')).toBe('look');
    expect(describeAction('go', 'kitchen')).toBe('go with arguments "kitchen"');
  });

  it('fails the same way every time for arguments it cannot describe, and the key still works', () => {
    const overflowing = '{"amount":1e999}';
    expect(() => describeAction('pay', overflowing)).toThrow(TypeError);
    expect(() => describeAction('pay', overflowing)).toThrow(TypeError);
    expect(actionKey('pay', overflowing)).toBe('pay {"amount":1e999}');
  });
});

describe('fillTemplate', () => {
  /** The reference: the regex replace `fillTemplate` used to be. */
  const byRegex = (template: string, values: Record<string, string | number>) =>
    template.replace(/\{([a-zA-Z]+)\}/g, (whole, key: string) =>
      Object.hasOwn(values, key) ? String(values[key]) : whole,
    );
  const piece = fc.constantFrom(
    '{',
    '}',
    '{a}',
    '{b}',
    '{ab}',
    '{toString}',
    '{1}',
    '{a b}',
    'a',
    'x',
    '$&',
    ' ',
  );

  it('fills templates exactly as the regex replace does', () => {
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 12 }).map((pieces) => pieces.join('')),
        fc.dictionary(
          fc.constantFrom('a', 'b', 'ab', 'c'),
          fc.oneof(fc.string({ maxLength: 4 }), fc.integer()),
        ),
        (template, values) => {
          expect(fillTemplate(template, values)).toBe(byRegex(template, values));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('keeps unknown and inherited placeholders, and inserts values literally', () => {
    expect(fillTemplate('{a} {toString} {zz} {{a}}', { a: '$&' })).toBe('$& {toString} {zz} {$&}');
    expect(fillTemplate('no placeholders', { a: 1 })).toBe('no placeholders');
  });
});
