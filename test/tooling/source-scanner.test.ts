import { describe, expect, it } from 'vitest';
import { findImports, maskSource } from '../../scripts/architecture/source-scanner.mjs';

const summarize = (text: string) =>
  findImports(text).map(({ specifier, line, typeOnly, kind }) => ({ specifier, line, typeOnly, kind }));

describe('findImports', () => {
  it('reads static, type-only, side-effect, re-export and dynamic imports with their lines', () => {
    const source = [
      "import { a } from './a.ts';",
      "import type { B } from './b.ts';",
      "import './polyfill.ts';",
      'import {',
      '  c,',
      '  d,',
      "} from './cd.ts';",
      "export * from './e.ts';",
      "export type { F } from './f.ts';",
      "export type * from './g.ts';",
      "const h = await import('./h.ts');",
      "type I = typeof import('./i.ts');",
      "let j: import('./j.ts').Thing;",
      "import('./k.ts').then((module) => module);",
      "import * as l from './l.ts';",
      '',
    ].join('\n');
    expect(summarize(source)).toEqual([
      { specifier: './a.ts', line: 1, typeOnly: false, kind: 'import' },
      { specifier: './b.ts', line: 2, typeOnly: true, kind: 'import' },
      { specifier: './polyfill.ts', line: 3, typeOnly: false, kind: 'side-effect' },
      { specifier: './cd.ts', line: 4, typeOnly: false, kind: 'import' },
      { specifier: './e.ts', line: 8, typeOnly: false, kind: 'export' },
      { specifier: './f.ts', line: 9, typeOnly: true, kind: 'export' },
      { specifier: './g.ts', line: 10, typeOnly: true, kind: 'export' },
      { specifier: './h.ts', line: 11, typeOnly: false, kind: 'dynamic' },
      { specifier: './i.ts', line: 12, typeOnly: true, kind: 'dynamic' },
      { specifier: './j.ts', line: 13, typeOnly: true, kind: 'dynamic' },
      { specifier: './k.ts', line: 14, typeOnly: false, kind: 'dynamic' },
      { specifier: './l.ts', line: 15, typeOnly: false, kind: 'import' },
    ]);
  });

  it('tells a default binding named `type` from `import type`, and marks all-`type` specifier lists', () => {
    const edges = findImports(
      "import type from './a.ts';\nimport type, { b } from './b.ts';\nimport { type C, type D } from './c.ts';\n",
    );
    expect(edges.map((edge) => [edge.typeOnly, edge.allSpecifiersTyped])).toEqual([
      [false, false],
      [false, false],
      [false, true],
    ]);
  });

  it('ignores imports inside comments, strings, templates and regular expressions', () => {
    const source = [
      "// import { x } from './comment.ts';",
      "/* import { y } from './block.ts'; */",
      'const quoted = "import { z } from \'./string.ts\'";',
      'const template = `',
      "import { w } from './template.ts';",
      '`;',
      'const pattern = /import [\'"]x[\'"]/;',
      "export const value = import.meta.url + quoted + template + pattern + 'ok';",
      "import { real } from './real.ts';",
      '',
    ].join('\n');
    expect(summarize(source)).toEqual([{ specifier: './real.ts', line: 9, typeOnly: false, kind: 'import' }]);
  });

  it('finds a dynamic import inside a template substitution', () => {
    const source =
      // biome-ignore lint/suspicious/noTemplateCurlyInString: this is source text for the scanner, not a template
      "const text = `loaded ${await import('./inner.ts')} and ${`nested ${1}`}`;\nimport { after } from './after.ts';\n";
    expect(summarize(source).map((edge) => edge.specifier)).toEqual(['./inner.ts', './after.ts']);
  });

  it('does not take division for a regular expression', () => {
    const source = "const ratio = total / count / 2;\nimport { a } from './a.ts';\n";
    expect(summarize(source).map((edge) => edge.line)).toEqual([2]);
  });
});

describe('maskSource', () => {
  it('keeps the length and the newlines, so offsets and line numbers still match the original', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: this is source text for the scanner, not a template
    const source = "const a = 'x';\n// note\nconst b = `t\n${a}`;\n";
    const { masked, strings } = maskSource(source);
    expect(masked).toHaveLength(source.length);
    expect(masked.split('\n')).toHaveLength(source.split('\n').length);
    expect([...strings.values()]).toEqual(['x']);
  });
});
