import { describe, expect, it } from 'vitest';
import { blankCommentsAndStrings, scanForHostAccess } from './host-access-scan.ts';

describe('scanForHostAccess', () => {
  it('finds reaches for the host with their first line', () => {
    const source = [
      'const processor = {',
      '  modelRequest() {',
      '    const env = globalThis.process.env;',
      "    const fs = require('fs');",
      "    import('child_process');",
      "    return Function('return this')();",
      '  },',
      '};',
    ].join('\n');
    expect(scanForHostAccess(source)).toEqual([
      { token: 'globalThis', line: 3 },
      { token: 'require', line: 4 },
      { token: 'import', line: 5 },
      { token: 'Function', line: 6 },
    ]);
  });

  it('ignores mentions in comments and strings and member names', () => {
    const source = `// never use process or require here
      /* globalThis is off limits */
      const note = 'the process failed; fetch it again';
      const processor = { modelRequest(args) { return args.options.process; } };`;
    expect(scanForHostAccess(source)).toEqual([]);
  });

  it('sees code inside template expressions and constructor chains', () => {
    const template = ['const t = `pid $', '{process.pid}`;'].join('');
    expect(scanForHostAccess(template)).toEqual([{ token: 'process', line: 1 }]);
    expect(scanForHostAccess("const f = (() => {}).constructor.constructor('return this');")).toEqual([
      { token: 'constructor.constructor', line: 1 },
    ]);
    expect(scanForHostAccess("const f = x['constructor'];")).toEqual([
      { token: 'constructor.constructor', line: 1 },
    ]);
  });

  it('keeps line breaks when blanking', () => {
    const blanked = blankCommentsAndStrings("a // c\n'b'\n/* x\ny */ z");
    expect(blanked.split('\n')).toHaveLength(4);
    expect(blanked).toContain('z');
    expect(blanked).not.toMatch(/[cbxy]/);
  });
});
