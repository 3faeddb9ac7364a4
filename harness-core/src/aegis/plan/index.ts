/** The AEGIS plan stage: ranked, predicted edit hypotheses from a digest, and the lever track record. */
export * from './failure-edit-table.ts';
export * from './lever-history.ts';
export * from './plan-cycle.ts';
export * from './plan-options.ts';
export * from './portfolio-audit.ts';
export * from './predict-impact.ts';
export * from './processor-reconfiguration.ts';
export * from './propose-edits.ts';
export * from './rank-hypotheses.ts';
