import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type HookName, hookPatchSchemas } from '../harness/hooks.ts';
import { quickParsePatch } from './patch-check.ts';

const HOOKS: HookName[] = [
  'taskStart',
  'turnStart',
  'modelRequest',
  'modelResponse',
  'toolCall',
  'toolResult',
];
const KEYS = [
  'type',
  'reason',
  'systemPrompt',
  'tools',
  'lastUserContent',
  'appendUserMessage',
  'route',
  'text',
  'toolCalls',
  'action',
  'arguments',
  'result',
  'isError',
  'content',
  'messages',
  'extra',
];
const value = fc.oneof(
  fc.constantFrom(
    'interrupt',
    'task-start',
    'request',
    'response',
    'tool-call',
    'tool-result',
    'history',
    'rewrite',
    'intercept',
    'primary',
    'fallback',
    '',
    'text',
  ),
  fc.boolean(),
  fc.integer(),
  fc.constantFrom(undefined, null, [], {}, [{ id: 'c', name: 'n', arguments: '{}' }]),
);
/** Valid patches of every kind the direct check knows, to mutate from. */
const VALID: Record<string, unknown>[] = [
  { type: 'interrupt', reason: 'stop' },
  { type: 'task-start' },
  { type: 'task-start', systemPrompt: 'p' },
  { type: 'request' },
  { type: 'request', lastUserContent: 'u', appendUserMessage: 'a', route: 'primary' },
  { type: 'response' },
  { type: 'response', text: 't' },
  { type: 'tool-call', action: 'rewrite', arguments: '{}' },
  { type: 'tool-call', action: 'intercept', result: 'r', isError: false },
  { type: 'tool-result', content: 'c' },
  { type: 'tool-result', content: 'c', isError: true },
];
/** A valid patch with up to three keys set to arbitrary values or removed. */
const patchLike = fc
  .tuple(
    fc.constantFrom(...VALID),
    fc.array(fc.tuple(fc.constantFrom(...KEYS), fc.option(value, { nil: 'REMOVE' as const })), {
      maxLength: 3,
    }),
  )
  .map(([base, edits]) => {
    const patch: Record<string, unknown> = { ...base };
    for (const [key, edit] of edits) {
      if (edit === 'REMOVE') delete patch[key];
      else patch[key] = edit;
    }
    return patch;
  });

describe('quickParsePatch', () => {
  it('accepts only what the hook schema accepts, and returns what the schema parse returns', () => {
    let checked = 0;
    fc.assert(
      fc.property(patchLike, fc.constantFrom(...HOOKS), (patch, hook) => {
        const quick = quickParsePatch(hook, patch);
        if (quick === undefined) return;
        checked += 1;
        const parsed = hookPatchSchemas[hook]!.safeParse(patch);
        expect(parsed.success).toBe(true);
        expect(quick).toStrictEqual(parsed.data);
      }),
      { numRuns: 20_000 },
    );
    // The generator must reach the direct check often enough for the comparison to mean something.
    expect(checked).toBeGreaterThan(200);
  });

  it('checks the patches processors usually return without the schema', () => {
    const common: [HookName, object][] = [
      ['taskStart', { type: 'task-start', systemPrompt: 'pinned' }],
      ['modelRequest', { type: 'request', appendUserMessage: 'note', route: 'fallback' }],
      ['modelResponse', { type: 'response', text: 'fixed' }],
      ['toolCall', { type: 'tool-call', action: 'intercept', result: 'checked', isError: false }],
      ['toolCall', { type: 'tool-call', action: 'rewrite', arguments: '{}' }],
      ['toolResult', { type: 'tool-result', content: 'short', isError: true }],
      ['toolResult', { type: 'interrupt', reason: 'looping' }],
    ];
    for (const [hook, patch] of common) {
      expect(quickParsePatch(hook, patch)).toStrictEqual(hookPatchSchemas[hook]!.parse(patch));
      expect(quickParsePatch(hook, patch)).not.toBe(patch);
    }
  });

  it('leaves anything unusual to the schema', () => {
    const unusual: [HookName, unknown][] = [
      ['taskStart', { type: 'interrupt', reason: 'no' }],
      ['taskStart', { type: 'task-start', tools: [] }],
      ['turnStart', { type: 'history', messages: [] }],
      ['modelResponse', { type: 'response', toolCalls: [] }],
      ['toolResult', { type: 'tool-result', content: 'x', isError: undefined }],
      ['toolResult', Object.assign(Object.create({ inherited: 1 }), { type: 'tool-result', content: 'x' })],
      ['toolResult', [{ type: 'tool-result', content: 'x' }]],
      ['turnEnd', { type: 'interrupt', reason: 'no' }],
    ];
    for (const [hook, patch] of unusual) expect(quickParsePatch(hook, patch)).toBeUndefined();
  });
});
