/**
 * A foundry project read at synth time and deployed into the bucket as `projects/<name>/project.json`
 * and `projects/<name>/baseline.json`, the keys and bytes `registerProject` writes, so a deployed
 * project and one registered on the local stack are stored alike.
 */
import { canonicalJson, loadHarnessFile, loadProjectFile } from '@harnessx/core';

export interface FoundryProjectFiles {
  /** The project's name (`projects/<name>/`). */
  readonly name: string;
  /** The parsed project as canonical JSON. */
  readonly projectJson: string;
  /** The baseline harness spec (with the project's worker model, if it names one) as canonical JSON. */
  readonly baselineJson: string;
}

/**
 * Loads a project YAML and its baseline harness file; a bad file fails here, before synthesis.
 *
 * @example
 * const household = await loadFoundryProjectFiles('examples/projects/household.yaml');
 * new HarnessFoundry(stack, 'Foundry', { projects: [household] });
 */
export async function loadFoundryProjectFiles(projectPath: string): Promise<FoundryProjectFiles> {
  const { config, baselinePath } = await loadProjectFile(projectPath);
  const loaded = await loadHarnessFile(baselinePath);
  // The same override the core applies when it registers a project (projectBaseline).
  const baseline = config.models.worker
    ? { ...loaded, models: { ...loaded.models, worker: config.models.worker } }
    : loaded;
  return { name: config.name, projectJson: canonicalJson(config), baselineJson: canonicalJson(baseline) };
}
