/** The versioned artifacts of the AEGIS cycle. */
export * from './candidate.ts';
export * from './common.ts';
export * from './cycle-state.ts';
export * from './define-artifact.ts';
export * from './digest.ts';
export * from './evaluation.ts';
export * from './gate-decision.ts';
export * from './plan.ts';
export * from './verdict.ts';
