/**
 * Deploys foundry projects into the artifact bucket at `projects/<name>/project.json` and
 * `projects/<name>/baseline.json`, with the exact bytes `registerProject` writes. Never prunes:
 * the bucket holds everything else the foundry stores.
 */
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { FoundryProjectFiles } from '../project-files.ts';
import type { ArtifactBucket } from './artifact-bucket.ts';
import { acknowledgeBucketDeploymentHandler } from './bucket-deployment-handler.ts';

export interface ProjectFilesDeploymentProps {
  readonly artifacts: ArtifactBucket;
  readonly projects: readonly FoundryProjectFiles[];
}

export class ProjectFilesDeployment extends Construct {
  readonly deployment: BucketDeployment;

  constructor(scope: Construct, id: string, props: ProjectFilesDeploymentProps) {
    super(scope, id);
    this.deployment = new BucketDeployment(this, 'Deployment', {
      destinationBucket: props.artifacts.bucket,
      sources: props.projects.flatMap((project) => [
        Source.data(`projects/${project.name}/project.json`, project.projectJson),
        Source.data(`projects/${project.name}/baseline.json`, project.baselineJson),
      ]),
      prune: false,
      // The files are the registration's; deleting the stack must not delete the projects' data.
      retainOnDelete: true,
      contentType: 'application/json',
    });
    acknowledgeBucketDeploymentHandler(this, props.artifacts);
  }
}
