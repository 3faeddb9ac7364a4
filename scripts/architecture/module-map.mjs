/**
 * DESIGN §2's module map as data: the layers of harness-core/src from top to bottom, and how a
 * file or an import target is classified. Rules live in import-rules.mjs; this file only names
 * things, so that changing the map is a one-line edit here and in DESIGN §2.
 */

/** Top may import below, never upward (value imports; `import type` crosses freely). */
export const LAYER_ORDER = [
  'cli',
  'aegis',
  'coevolution',
  'environments',
  'runtime',
  'processors',
  // The sandbox implements code processors on the harness's contract, so it sits above harness
  // (DESIGN §2 lists it below, which would force it to restate the hook list).
  'sandbox',
  'harness',
  'trace',
  'providers',
  // Adapters implement ports, so they sit above them (DESIGN §2 lists them the other way round).
  'adapters',
  'ports',
  'testing',
];

/**
 * `testing/` sits at the bottom, yet its doubles implement interfaces from above: SimulatedWorkerModel
 * is a model (providers) that plays environments' tools. These value imports are the exception.
 */
export const TESTING_MAY_VALUE_IMPORT = new Set(['providers', 'environments']);

/** Packages that talk to a model: the deterministic gate must not import them. */
export const MODEL_SDK_PATTERNS = [
  /^openai(\/|$)/,
  /^@openai\//,
  /^@anthropic-ai\//,
  /^@ai-sdk\//,
  /^ai$/,
  /^@google\/(generative-ai|genai)(\/|$)/,
  /^@google-cloud\/vertexai(\/|$)/,
  /^@mistralai\//,
  /^cohere-ai(\/|$)/,
  /^groq-sdk(\/|$)/,
  /^ollama(\/|$)/,
  /^@huggingface\//,
  /^langchain(\/|$)/,
  /^@langchain\//,
  /^@aws-sdk\//,
];

/** True for test files and fixtures: they may import anything and have no line budget. */
export function isTestOrFixture(relativePath) {
  return (
    /\.(test|spec)\.[cm]?[jt]sx?$/.test(relativePath) || /(^|\/)(fixtures|__fixtures__)\//.test(relativePath)
  );
}

/**
 * Classifies a path relative to harness-core/src.
 * @param {string} relativeToSrc posix path, e.g. `aegis/gate/decide.ts` or `errors.ts`
 * @param {Set<string>} entryFiles root files that are package entries (e.g. `index.ts`)
 * @returns {{ kind: 'entry' | 'shared' | 'layer' | 'unmapped', layer: string, rank: number }}
 *   rank: higher is further up the map; shared root files rank below every layer, entries above
 */
export function classifyCorePath(relativeToSrc, entryFiles) {
  const segments = relativeToSrc.split('/');
  if (segments.length === 1) {
    if (entryFiles.has(relativeToSrc)) return { kind: 'entry', layer: '(entry)', rank: LAYER_ORDER.length };
    // errors.ts, schema.ts and any other root helper (random.ts): importable by every layer.
    return { kind: 'shared', layer: '(shared)', rank: -1 };
  }
  const layer = segments[0];
  const index = LAYER_ORDER.indexOf(layer);
  if (index === -1) return { kind: 'unmapped', layer, rank: -1 };
  return { kind: 'layer', layer, rank: LAYER_ORDER.length - 1 - index };
}

/**
 * May a non-test file in `from` value-import a module in `to`?
 * @param {ReturnType<typeof classifyCorePath>} from
 * @param {ReturnType<typeof classifyCorePath>} to
 */
export function mayValueImport(from, to) {
  if (from.kind === 'entry') return true;
  if (to.kind === 'shared') return true;
  if (to.kind === 'entry' || to.kind === 'unmapped' || from.kind === 'unmapped') return false;
  if (from.kind === 'shared') return false;
  if (from.layer === to.layer) return true;
  if (from.layer === 'testing' && TESTING_MAY_VALUE_IMPORT.has(to.layer)) return true;
  return to.rank < from.rank;
}
