/**
 * Port contract suites (vitest): every adapter of a port runs the same suite, so the embedded and
 * AWS adapters cannot drift apart. Import from test files only; these declare `describe` blocks.
 */
export {
  type ArtifactStoreContractFactory,
  type ArtifactStoreContractSubject,
  BAD_STORE_KEYS,
  describeArtifactStoreContract,
} from './artifact-store-contract.ts';
export { createManualTestClock, type ManualTestClock } from './manual-test-clock.ts';
export {
  describeRegistryContract,
  type RegistryContractContext,
  type RegistryContractFactory,
  type RegistryContractSubject,
} from './registry-contract.ts';
export {
  type RegistryOpener,
  type RegistryRaceJob,
  type RegistryRaceResult,
  runRegistryRace,
} from './registry-race.ts';
export {
  describeWorkQueueContract,
  evaluateMessage,
  type WorkQueueContractFactory,
  type WorkQueueContractSubject,
} from './work-queue-contract.ts';
