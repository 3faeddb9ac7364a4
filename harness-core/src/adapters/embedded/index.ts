/** Embedded adapters: the ports of DESIGN §8 on one machine, with no cloud. */
export { createFileIfAbsent, TEMPORARY_FILE_PREFIX, writeFileAtomic } from './atomic-file.ts';
export { createEmbeddedFoundry, DEFAULT_FOUNDRY_ROOT, type EmbeddedFoundry } from './embedded-foundry.ts';
export { type FileLockGuard, type FileLockHolder, type FileLockOptions, withFileLock } from './file-lock.ts';
export { createFileRegistry, DEFAULT_REGISTRY_PATH, type FileRegistryOptions } from './file-registry.ts';
export { createFilesystemArtifactStore, DEFAULT_STORE_ROOT } from './filesystem-artifact-store.ts';
export {
  createInProcessWorkQueue,
  type InProcessWorkQueue,
  type InProcessWorkQueueOptions,
} from './in-process-work-queue.ts';
export {
  decodeBody,
  encodeOutgoing,
  MAX_VISIBILITY_TIMEOUT_MS,
  MAX_WAIT_MS,
  parseQueueName,
  parseReceipts,
  parseReceiveOptions,
} from './queue-envelope.ts';
export {
  parseRegistryFile,
  REGISTRY_FILE_SCHEMA_VERSION,
  type RegistryState,
  registryFileSchema,
  serializeRegistryFile,
} from './registry-file.ts';
export {
  assertStoreKey,
  assertStorePrefix,
  findStoreKeyIssues,
  findStorePrefixIssues,
  MAX_STORE_KEY_BYTES,
} from './store-key.ts';
