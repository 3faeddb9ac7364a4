/** The simulated worker test double: a seeded stand-in for a small open model in the household world. */
export { createSimulatedWorkerModel, SIMULATED_WORKER_PROVIDER } from './simulated-worker-model.ts';
export type {
  ResolvedSimulatedWorkerOptions,
  SimulatedWorkerOptions,
} from './simulated-worker-options.ts';
export { parseSimulatedWorkerOptions, simulatedWorkerOptionsSchema } from './simulated-worker-options.ts';
