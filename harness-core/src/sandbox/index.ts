/**
 * `sandbox/`: the QuickJS executor for evolved code processors. See README.md for the source
 * contract, the limits and the failure codes.
 */
export * from './code-processor-contract.ts';
export * from './code-processor-definition.ts';
export * from './host-access-scan.ts';
export {
  checkProcessorOptions,
  parsePatchJson,
  parseSandboxJson,
  type SandboxEmit,
  serializeHookArgs,
} from './sandbox-boundary.ts';
export * from './sandbox-errors.ts';
export * from './sandbox-limits.ts';
export {
  type OpenSandboxSessionOptions,
  type SandboxCallResult,
  SandboxSession,
  sandboxUsage,
  sandboxWorkerStats,
  shutdownSandboxWorkers,
} from './sandbox-session.ts';
