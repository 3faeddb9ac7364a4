/**
 * Deep-frozen copies of what the runtime takes in and hands to processors (the environment's
 * tools, a patched history). `structuredClone` serialises through a buffer and costs more than
 * the rest of an episode's set-up; these values are almost always plain JSON-like data, which a
 * direct copy handles in a fraction of the time. Anything else goes through `structuredClone`,
 * so the result is always what `deepFreeze(structuredClone(value))` makes.
 */
import { isProxy } from 'node:util/types';
import { deepFreeze } from './freeze.ts';

/** Marks a value the direct copy does not handle. */
const NOT_PLAIN: unique symbol = Symbol('not plain');

/** `deepFreeze(structuredClone(value))`, made directly when `value` is plain data. */
export function frozenCopy<T>(value: T): T {
  const copy = copyPlain(value, new Set());
  return copy === NOT_PLAIN ? deepFreeze(structuredClone(value)) : (copy as T);
}

/**
 * A frozen copy of plain data: primitives, dense undecorated arrays and objects whose prototype
 * is `Object.prototype` or `null`, each reached once (`structuredClone` keeps shared references
 * shared, which a direct copy would not), read the way `structuredClone` reads them.
 */
function copyPlain(value: unknown, seen: Set<object>): unknown {
  if (typeof value !== 'object' || value === null) {
    return typeof value === 'function' || typeof value === 'symbol' ? NOT_PLAIN : value;
  }
  if (seen.has(value) || isProxy(value)) return NOT_PLAIN;
  seen.add(value);
  const prototype = Object.getPrototypeOf(value);
  if (Array.isArray(value)) {
    if (prototype !== Array.prototype || Object.keys(value).length !== value.length) return NOT_PLAIN;
    const copy: unknown[] = [];
    for (let index = 0; index < value.length; index++) {
      if (!Object.hasOwn(value, index)) return NOT_PLAIN;
      const item = copyPlain(value[index], seen);
      if (item === NOT_PLAIN) return NOT_PLAIN;
      copy.push(item);
    }
    return Object.freeze(copy);
  }
  if (prototype !== Object.prototype && prototype !== null) return NOT_PLAIN;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    // Assigning "__proto__" would set the prototype instead of copying the key.
    if (key === '__proto__') return NOT_PLAIN;
    const item = copyPlain((value as Record<string, unknown>)[key], seen);
    if (item === NOT_PLAIN) return NOT_PLAIN;
    copy[key] = item;
  }
  return Object.freeze(copy);
}
