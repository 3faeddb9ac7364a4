/**
 * A project on the distributed foundry: its config and baseline harness stored under
 * `projects/<name>/`, so every function composes the same cycle from the store alone. Registering
 * also publishes the baseline as the first version and points `current` at it (once).
 */
import { SystemError } from '../../errors.ts';
import { canonicalJson, harnessContentId } from '../../harness/canonical.ts';
import { type HarnessSpec, parseHarnessSpec } from '../../harness/spec.ts';
import { type ArtifactStore, storeKeys } from '../../ports/artifact-store.ts';
import { parseJsonText, parseWith } from '../../schema.ts';
import { projectBaseline } from '../compose-cycle-deps.ts';
import { type ProjectConfig, projectSchema } from '../project.ts';
import type { DistributedFoundry } from './foundry.ts';

export const projectKeys = {
  config: (project: string) => `projects/${project}/project.json`,
  baseline: (project: string) => `projects/${project}/baseline.json`,
} as const;

export interface RegisteredProject {
  config: ProjectConfig;
  /** With the project's worker model applied. */
  baselineSpec: HarnessSpec;
  source: string;
}

export async function registerProject(
  foundry: Pick<DistributedFoundry, 'store' | 'registry'>,
  input: { project: ProjectConfig; baselineSpec: HarnessSpec },
): Promise<{ projectKey: string; baselineContentId: string }> {
  const project = parseWith(projectSchema, input.project, 'foundry project', 'registerProject');
  const baseline = projectBaseline(project, input.baselineSpec);
  const projectKey = projectKeys.config(project.name);
  await foundry.store.put(projectKey, canonicalJson(project));
  await foundry.store.put(projectKeys.baseline(project.name), canonicalJson(baseline));
  const baselineContentId = await publishBaseline(foundry, baseline);
  return { projectKey, baselineContentId };
}

/**
 * Publishes the baseline as the harness's first version and points `current` at it, unless a
 * pointer exists. The CDK app deploys only the project files, so the first cycle start does this.
 */
export async function publishBaseline(
  foundry: Pick<DistributedFoundry, 'store' | 'registry'>,
  baseline: HarnessSpec,
): Promise<string> {
  const baselineContentId = harnessContentId(baseline);
  await foundry.store.putImmutable(
    storeKeys.harnessVersion(baseline.name, baselineContentId),
    canonicalJson(baseline),
  );
  if ((await foundry.registry.getCurrent(baseline.name)) === undefined) {
    await foundry.registry.compareAndSetCurrent(baseline.name, undefined, baselineContentId);
  }
  return baselineContentId;
}

async function readJson(store: ArtifactStore, key: string): Promise<unknown | undefined> {
  const bytes = await store.get(key);
  if (bytes === undefined) return undefined;
  return parseJsonText(Buffer.from(bytes).toString('utf8'), 'stored project', `store:${key}`);
}

/** The registered project, or undefined when `projects/<name>/` holds none. */
export async function loadRegisteredProject(
  store: ArtifactStore,
  name: string,
): Promise<RegisteredProject | undefined> {
  const source = `store:${projectKeys.config(name)}`;
  const config = await readJson(store, projectKeys.config(name));
  if (config === undefined) return undefined;
  const baseline = await readJson(store, projectKeys.baseline(name));
  if (baseline === undefined) {
    throw new SystemError(`project ${name} has no baseline at ${projectKeys.baseline(name)}`);
  }
  return {
    config: parseWith(projectSchema, config, 'foundry project', source),
    baselineSpec: parseHarnessSpec(baseline, `store:${projectKeys.baseline(name)}`),
    source,
  };
}
