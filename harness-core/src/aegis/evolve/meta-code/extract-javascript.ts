/**
 * Extracts the processor's JavaScript from a model's reply: the fenced block that defines
 * `processor` (```js, ```javascript or a bare fence), or the whole reply when it is bare code.
 * The reply is external input: nothing here runs it.
 */

export type ExtractedJavaScript = { ok: true; source: string } | { ok: false; reason: string };

const FENCE = /```[ \t]*([A-Za-z0-9_-]*)[^\n]*\n([\s\S]*?)```/g;
const JS_LANGUAGES = new Set(['', 'js', 'javascript', 'mjs', 'cjs', 'ecmascript']);
const DEFINES_PROCESSOR =
  /(?:^|[\s;{(])(?:const|let|var)\s+processor\s*=|(?:^|[\s;])(?:globalThis\.)?processor\s*=\s*\{/m;

/** The JavaScript of the reply, or why there is none. */
export function extractJavaScript(reply: string): ExtractedJavaScript {
  const blocks = [...reply.matchAll(FENCE)]
    .filter((match) => JS_LANGUAGES.has((match[1] ?? '').toLowerCase()))
    .map((match) => (match[2] ?? '').trim())
    .filter((block) => block.length > 0);
  if (blocks.length > 0) {
    const defining = blocks.filter((block) => DEFINES_PROCESSOR.test(block));
    if (defining.length === 0) return { ok: false, reason: 'no code block defines a global "processor"' };
    if (defining.length > 1)
      return { ok: false, reason: `${defining.length} code blocks define "processor"; expected one` };
    return { ok: true, source: `${defining[0]}\n` };
  }
  if (reply.includes('```'))
    return { ok: false, reason: 'the reply has a code fence that is not JavaScript or not closed' };
  const bare = reply.trim();
  if (bare.length > 0 && DEFINES_PROCESSOR.test(bare) && looksLikeCode(bare))
    return { ok: true, source: `${bare}\n` };
  return { ok: false, reason: 'the reply holds no JavaScript that defines a global "processor"' };
}

/**
 * Bare replies count as code only when they start like a script (a declaration or a comment),
 * end like one (`;` or `}`), and most lines carry code punctuation rather than prose.
 */
function looksLikeCode(text: string): boolean {
  const lines = text.split('\n').filter((line) => line.trim().length > 0);
  const first = lines[0]?.trim() ?? '';
  const last = lines.at(-1)?.trim() ?? '';
  if (!/^(const|let|var|function|class|\/\/|\/\*|['"]use strict['"])/.test(first)) return false;
  if (!/[;}]$/.test(last)) return false;
  const codeLike = lines.filter((line) => /[;{}()=,[\]]|^\s*(\/\/|\*|\/\*)/.test(line));
  return codeLike.length >= Math.ceil(lines.length * 0.8);
}
