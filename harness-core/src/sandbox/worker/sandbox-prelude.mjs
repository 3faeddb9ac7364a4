// @ts-check
/**
 * The code evaluated inside every QuickJS context before the processor's source: it locks the
 * sandbox down and returns the three entry points the worker calls. It is plain JavaScript that
 * runs *inside* QuickJS, kept as a string because it never runs on the host.
 *
 * What it does, in order:
 * - makes `Math.random` a seeded xorshift, so a processor is a deterministic function of its inputs;
 * - removes code generation from strings (`eval`, `Function(...)`, the constructors of async and
 *   generator functions) so the only code that runs is the source that was hashed;
 * - installs `emit(name, attributes)`, which serialises its arguments and hands them to the host
 *   function (the host validates them);
 * - freezes every intrinsic reachable from the global object and makes the global bindings of the
 *   intrinsics read-only, so the processor cannot replace `JSON`, `Object.prototype` and friends
 *   under the dispatcher (values leave the sandbox only as JSON text, so pollution cannot reach
 *   the host either way);
 * - returns `[dispatch, describe, describeError]`, closures that read the processor's global
 *   `processor` and `meta` bindings at call time (a script-level `const processor` is a global
 *   lexical binding, not a property of `globalThis`, so they are read by name).
 *
 * Result encoding (one string, first character = kind): `U` no patch, `P<json>` a patch,
 * `B<message>` a bad result, `E<message>` a contract error (no `processor` object), `D<json>` a
 * description.
 */
export const SANDBOX_PRELUDE_SOURCE = `(function harnessxSandboxSetup(hostEmit, seed, hookNamesJson) {
  'use strict';
  const G = globalThis;
  const freeze = Object.freeze;
  const defineProperty = Object.defineProperty;
  const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  const getPrototypeOf = Object.getPrototypeOf;
  const ownKeys = Reflect.ownKeys;
  const hasOwn = Object.hasOwn ?? ((object, key) => Object.prototype.hasOwnProperty.call(object, key));
  const isArray = Array.isArray;
  const parse = JSON.parse;
  const stringify = JSON.stringify;
  const NativePromise = Promise;
  const NativeInternalError = typeof InternalError === 'function' ? InternalError : undefined;
  const toText = String;
  const hookNames = parse(hookNamesJson);

  let randomState = (seed >>> 0) ^ 0x9e3779b9;
  if (randomState === 0) randomState = 1;
  defineProperty(Math, 'random', {
    value: function random() {
      randomState ^= randomState << 13;
      randomState >>>= 0;
      randomState ^= randomState >>> 17;
      randomState ^= randomState << 5;
      randomState >>>= 0;
      return randomState / 4294967296;
    },
    writable: false, enumerable: false, configurable: false,
  });

  const FunctionPrototype = Function.prototype;
  function noCodeGeneration() {
    throw new EvalError('code generation from strings is disabled in the sandbox');
  }
  defineProperty(noCodeGeneration, 'prototype', { value: FunctionPrototype, writable: false });
  const functionPrototypes = [
    FunctionPrototype,
    getPrototypeOf(async function () {}),
    getPrototypeOf(function* () {}),
    getPrototypeOf(async function* () {}),
  ];
  for (const prototype of functionPrototypes) {
    defineProperty(prototype, 'constructor', {
      value: noCodeGeneration, writable: false, enumerable: false, configurable: false,
    });
  }
  delete G.eval;
  defineProperty(G, 'Function', { value: noCodeGeneration, writable: false, enumerable: false, configurable: false });

  function emit(name, attributes) {
    let text;
    try {
      text = stringify([name, attributes === undefined ? {} : attributes]);
    } catch (error) {
      throw new TypeError('emit(name, attributes): attributes must be JSON-serialisable');
    }
    if (typeof text !== 'string') throw new TypeError('emit(name, attributes): bad arguments');
    const problem = hostEmit(text);
    if (problem !== undefined) throw new TypeError(problem);
  }
  defineProperty(G, 'emit', { value: emit, writable: false, enumerable: false, configurable: false });

  // Freezing a prototype makes assignment to an inherited data property fail ("the override
  // mistake"): \`this.name = 'MyError'\` in an Error subclass would throw in class code. These
  // properties become accessors whose setter defines an own property on the receiver instead.
  function tameOverride(prototype, key) {
    const descriptor = getOwnPropertyDescriptor(prototype, key);
    if (descriptor === undefined || !('value' in descriptor)) return;
    const original = descriptor.value;
    defineProperty(prototype, key, {
      get: function () { return original; },
      set: function (value) {
        if (this === prototype) throw new TypeError('Cannot assign to read only property ' + toText(key));
        defineProperty(this, key, { value: value, writable: true, enumerable: true, configurable: true });
      },
      enumerable: descriptor.enumerable,
      configurable: false,
    });
  }
  for (const key of ['toString', 'valueOf', 'toLocaleString', 'constructor']) tameOverride(Object.prototype, key);
  for (const ErrorType of [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError]) {
    tameOverride(ErrorType.prototype, 'name');
    tameOverride(ErrorType.prototype, 'message');
  }
  if (typeof AggregateError === 'function') tameOverride(AggregateError.prototype, 'name');
  if (NativeInternalError !== undefined) tameOverride(NativeInternalError.prototype, 'name');
  tameOverride(FunctionPrototype, 'toString');

  const hardened = new Set();
  function harden(value) {
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return;
    if (hardened.has(value)) return;
    hardened.add(value);
    freeze(value);
    // A built-in method has only a read-only name and length, and Function.prototype is hardened
    // through Function: freezing it is enough, and halves the cost of a session.
    if (typeof value === 'function' && !hasOwn(value, 'prototype')) return;
    harden(getPrototypeOf(value));
    for (const key of ownKeys(value)) {
      const descriptor = getOwnPropertyDescriptor(value, key);
      if (descriptor === undefined) continue;
      if ('value' in descriptor) harden(descriptor.value);
      else {
        harden(descriptor.get);
        harden(descriptor.set);
      }
    }
  }
  for (const key of ownKeys(G)) {
    const descriptor = getOwnPropertyDescriptor(G, key);
    if (descriptor === undefined) continue;
    if ('value' in descriptor && descriptor.value !== G) harden(descriptor.value);
    if (descriptor.configurable && 'value' in descriptor) {
      defineProperty(G, key, { writable: false, configurable: false });
    }
  }
  harden(getPrototypeOf(G));

  function currentProcessor() {
    return typeof processor === 'undefined' ? undefined : processor;
  }
  function isObjectLike(value) {
    return value !== null && (typeof value === 'object' || typeof value === 'function');
  }

  function dispatch(hook, argsJson) {
    const target = currentProcessor();
    if (!isObjectLike(target)) return 'Ethe source does not define a global "processor" object';
    const method = target[hook];
    if (method === undefined) return 'U';
    if (typeof method !== 'function') return 'Bprocessor.' + hook + ' is not a function';
    const result = method.call(target, parse(argsJson));
    if (result === undefined) return 'U';
    if (result === null || typeof result !== 'object' || isArray(result)) {
      return 'Bprocessor.' + hook + ' returned ' + (result === null ? 'null' : isArray(result) ? 'an array' : typeof result) + ', not undefined or a patch object';
    }
    if (result instanceof NativePromise || typeof result.then === 'function') {
      return 'Bprocessor.' + hook + ' returned a promise; hooks must return synchronously';
    }
    let text;
    try {
      text = stringify(result);
    } catch (error) {
      if (NativeInternalError !== undefined && error instanceof NativeInternalError) throw error;
      return 'Bthe patch returned by processor.' + hook + ' is not JSON-serialisable';
    }
    if (typeof text !== 'string') return 'Bprocessor.' + hook + ' returned a value that is not a patch object';
    return 'P' + text;
  }

  function describe() {
    const target = currentProcessor();
    if (!isObjectLike(target)) return 'Ethe source does not define a global "processor" object';
    const hooks = [];
    for (const name of hookNames) if (typeof target[name] === 'function') hooks.push(name);
    const metaValue = typeof meta === 'undefined' ? null : meta;
    try {
      return 'D' + stringify({ hooks: hooks, meta: metaValue === undefined ? null : metaValue });
    } catch (error) {
      if (NativeInternalError !== undefined && error instanceof NativeInternalError) throw error;
      return 'Ethe global "meta" is not JSON-serialisable';
    }
  }

  function describeError(error) {
    try {
      if (isObjectLike(error)) {
        const name = error.name;
        const message = error.message;
        return stringify([
          typeof name === 'string' ? name.slice(0, 80) : 'Error',
          typeof message === 'string' ? message.slice(0, 500) : '',
        ]);
      }
      return stringify(['thrown', toText(error).slice(0, 500)]);
    } catch (inner) {
      return '["thrown","(an error that cannot be described)"]';
    }
  }

  return freeze([dispatch, describe, describeError]);
})`;
