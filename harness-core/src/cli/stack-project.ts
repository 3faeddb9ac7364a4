/**
 * `harnessx stack up --project FILE`: the project is read (and its baseline harness with it) before
 * anything starts, then registered on the running stack with the same `registerProject` the
 * deployed foundry uses, through the stack's S3 and DynamoDB.
 */
import { registerProject } from '../aegis/distributed/index.ts';
import { loadProjectFile } from '../aegis/project-file.ts';
import { loadHarnessFile } from '../harness/load.ts';
import type { ProjectToRegister } from './stack-context.ts';

export async function loadProjectToRegister(path: string): Promise<ProjectToRegister> {
  const loaded = await loadProjectFile(path);
  // registerProject applies the project's worker model over the baseline's, as the embedded evolve does.
  return { project: loaded.config, baselineSpec: await loadHarnessFile(loaded.baselinePath), path };
}

export async function registerProjectOnStack(
  stack: {
    endpoints: { s3: string; sqs: string; dynamodb: string };
    bucket: string;
    tables: { registry: string };
  },
  input: ProjectToRegister,
): Promise<{ projectKey: string; baselineContentId: string }> {
  const { openLocalFoundry } = await import('../adapters/aws/local-stack/local-foundry.ts');
  const foundry = openLocalFoundry(stack);
  try {
    return await registerProject(foundry, { project: input.project, baselineSpec: input.baselineSpec });
  } finally {
    foundry.close();
  }
}
