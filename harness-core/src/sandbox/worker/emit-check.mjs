// @ts-check
/**
 * Validation of one `emit(name, attributes)` from inside the sandbox, done in the worker so the
 * processor gets a TypeError at the call site. The host validates the events again when they
 * arrive (sandbox-boundary.ts): the worker is ours, the data is the processor's.
 */

const EMIT_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$/;
const EMIT_KEY = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/;
/** Attribute names the runtime sets itself: a processor must not spoof them. */
const RESERVED_KEY_PREFIXES = ['processor.', 'gen_ai.', 'harnessx.'];
const MAX_EMIT_TEXT = 32_768;

/**
 * @param {string} text the JSON text `[name, attributes]` the prelude's emit() produced
 * @returns {{ problem: string } | { event: [string, Record<string, string | number | boolean>] }}
 */
export function checkEmitText(text) {
  if (text.length > MAX_EMIT_TEXT) return { problem: 'emit: the event is too large' };
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { problem: 'emit(name, attributes): bad arguments' };
  }
  const [name, attributes] = Array.isArray(parsed) ? parsed : [];
  if (typeof name !== 'string' || name.length > 64 || !EMIT_NAME.test(name)) {
    return {
      problem: 'emit: the name must be "<noun>-<verb>" in lower-case kebab-case, at most 64 characters',
    };
  }
  if (attributes === null || typeof attributes !== 'object' || Array.isArray(attributes)) {
    return { problem: 'emit: attributes must be an object' };
  }
  const entries = Object.entries(attributes);
  if (entries.length > 16) return { problem: 'emit: at most 16 attributes' };
  for (const [key, value] of entries) {
    if (!EMIT_KEY.test(key) || RESERVED_KEY_PREFIXES.some((prefix) => key.startsWith(prefix))) {
      return { problem: `emit: attribute name "${key.slice(0, 64)}" is not allowed` };
    }
    const primitive =
      (typeof value === 'string' && value.length <= 1024) ||
      (typeof value === 'number' && Number.isFinite(value)) ||
      typeof value === 'boolean';
    if (!primitive) {
      return {
        problem: `emit: attribute "${key}" must be a string (at most 1024 characters), a finite number or a boolean`,
      };
    }
  }
  return { event: [name, attributes] };
}
