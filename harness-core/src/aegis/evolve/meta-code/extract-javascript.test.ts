import { describe, expect, it } from 'vitest';
import { extractJavaScript } from './extract-javascript.ts';

const CODE = 'const processor = {\n  turnEnd(args) {}\n};';

describe('extractJavaScript', () => {
  it('takes the fenced block that defines processor', () => {
    expect(extractJavaScript(`Here you go:\n\n\`\`\`js\n${CODE}\n\`\`\`\nThat is all.`)).toEqual({
      ok: true,
      source: `${CODE}\n`,
    });
    expect(extractJavaScript(`\`\`\`javascript\n${CODE}\n\`\`\``)).toMatchObject({ ok: true });
    expect(extractJavaScript(`\`\`\`\n${CODE}\n\`\`\``)).toMatchObject({ ok: true });
  });

  it('skips blocks of other languages and helper blocks', () => {
    const reply = `\`\`\`json\n{"a":1}\n\`\`\`\n\`\`\`js\nconst helper = 1;\n\`\`\`\n\`\`\`js\n${CODE}\n\`\`\``;
    expect(extractJavaScript(reply)).toEqual({ ok: true, source: `${CODE}\n` });
  });

  it('accepts bare code and refuses prose', () => {
    expect(extractJavaScript(CODE)).toEqual({ ok: true, source: `${CODE}\n` });
    expect(extractJavaScript('You should define a processor = { ... } that checks results.')).toMatchObject({
      ok: false,
    });
    expect(extractJavaScript('')).toMatchObject({ ok: false });
  });

  it('refuses ambiguous or broken fences', () => {
    expect(extractJavaScript(`\`\`\`js\n${CODE}\n\`\`\`\n\`\`\`js\n${CODE}\n\`\`\``)).toMatchObject({
      ok: false,
      reason: /2 code blocks/,
    });
    expect(extractJavaScript(`\`\`\`js\n${CODE}`)).toMatchObject({ ok: false, reason: /not closed/ });
    expect(extractJavaScript(`\`\`\`python\nprocessor = {}\n\`\`\``)).toMatchObject({ ok: false });
  });
});
