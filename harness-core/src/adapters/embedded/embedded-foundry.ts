/**
 * The embedded foundry: the store and the registry of one machine, side by side under one folder
 * (the CLI uses `.harnessx`), so a project's whole state can be inspected, copied or deleted at once.
 */
import { join, resolve } from 'node:path';
import type { ArtifactStore } from '../../ports/artifact-store.ts';
import type { Registry } from '../../ports/registry.ts';
import { createFileRegistry, type FileRegistryOptions } from './file-registry.ts';
import { createFilesystemArtifactStore } from './filesystem-artifact-store.ts';

/** The folder the CLI keeps its embedded state in. */
export const DEFAULT_FOUNDRY_ROOT = '.harnessx';

export interface EmbeddedFoundry {
  /** The absolute folder everything lives under. */
  root: string;
  /** Artifacts under `<root>/store`. */
  store: ArtifactStore;
  /** The registry file `<root>/registry.json`. */
  registry: Registry;
}

/**
 * The embedded adapters rooted at `root`: `<root>/store` and `<root>/registry.json`. Nothing is
 * created until the first write.
 *
 * @example
 * const { store, registry } = createEmbeddedFoundry('.harnessx');
 */
export function createEmbeddedFoundry(
  root: string = DEFAULT_FOUNDRY_ROOT,
  options: FileRegistryOptions = {},
): EmbeddedFoundry {
  const rootPath = resolve(root);
  return {
    root: rootPath,
    store: createFilesystemArtifactStore(join(rootPath, 'store')),
    registry: createFileRegistry(join(rootPath, 'registry.json'), options),
  };
}
