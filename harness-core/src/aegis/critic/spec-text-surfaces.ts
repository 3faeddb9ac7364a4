/**
 * The text a harness puts in front of the worker or runs as code: its system prompt, every string
 * in processor and tool options, and code processor sources. These are where an answer can be
 * smuggled in.
 */
import type { HarnessSpec } from '../../harness/spec.ts';

export interface TextSurface {
  /** Where the text sits, e.g. `processors[2](goal-pin).options.hint`. */
  where: string;
  text: string;
}

function collectStrings(value: unknown, where: string, out: TextSurface[], depth = 0): void {
  if (depth > 50) return;
  if (typeof value === 'string') out.push({ where, text: value });
  else if (Array.isArray(value)) {
    value.forEach((item, index) => {
      collectStrings(item, `${where}[${index}]`, out, depth + 1);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value).sort()) {
      collectStrings((value as Record<string, unknown>)[key], `${where}.${key}`, out, depth + 1);
    }
  }
}

export function specTextSurfaces(spec: HarnessSpec): TextSurface[] {
  const out: TextSurface[] = [];
  if (typeof spec.slots?.systemPrompt === 'string')
    out.push({ where: 'slots.systemPrompt', text: spec.slots.systemPrompt });
  (spec.processors ?? []).forEach((processor, index) => {
    const at = `processors[${index}](${processor.id})`;
    collectStrings(processor.options, `${at}.options`, out);
    if ('code' in processor) out.push({ where: `${at}.code.source`, text: processor.code.source });
  });
  collectStrings(spec.slots?.tools?.options, 'slots.tools.options', out);
  return out;
}

/** Lower case, whitespace runs collapsed, trimmed, a final full stop dropped: how literals are compared. */
export function normaliseText(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim().replace(/[.]+$/, '');
}
