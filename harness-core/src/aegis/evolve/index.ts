/** The AEGIS evolve stage, catalogue path: single structural or prompt edits, no model needed. */
export * from './candidate-manifest.ts';
export * from './evolve-candidates.ts';
export * from './operators/index.ts';
