/**
 * `TrainerCode`: the Python trainer packaged at synth time (`packTrainer`, offline, no Docker) and
 * deployed to `code/trainer/<content hash>/sourcedir.tar.gz` in the artifact bucket, where
 * train-launch points SageMaker's `sagemaker_submit_directory`. The key changes with the code, so a
 * job always runs the trainer of the deployment that launched it, and older jobs keep theirs.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssetHashType, Stage } from 'aws-cdk-lib';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { packTrainer } from '../trainer-package.ts';
import type { ArtifactBucket } from './artifact-bucket.ts';
import { acknowledgeBucketDeploymentHandler } from './bucket-deployment-handler.ts';

export const TRAINER_ARCHIVE_NAME = 'sourcedir.tar.gz';
export const trainerCodePrefix = (hash: string) => `code/trainer/${hash}/`;

export interface TrainerCodeProps {
  readonly artifacts: ArtifactBucket;
  /** Folder holding `train.py` and `harnessx_trainer/` (the repository's `training/`). */
  readonly trainingDir: string;
}

export class TrainerCode extends Construct {
  /** `code/trainer/<hash>/sourcedir.tar.gz`. */
  readonly key: string;
  /** `s3://<bucket>/<key>` (a token until deployment). */
  readonly s3Uri: string;
  readonly hash: string;
  readonly files: readonly string[];
  readonly deployment: BucketDeployment;

  constructor(scope: Construct, id: string, props: TrainerCodeProps) {
    super(scope, id);
    const trainer = packTrainer(props.trainingDir);
    this.hash = trainer.hash;
    this.files = trainer.files;
    this.key = `${trainerCodePrefix(trainer.hash)}${TRAINER_ARCHIVE_NAME}`;
    // A folder of its own under the cloud assembly, so the directory asset holds the archive only.
    const outdir = Stage.of(this)?.outdir ?? mkdtempSync(join(tmpdir(), 'harnessx-trainer-'));
    const staging = join(outdir, `harnessx-trainer-${trainer.hash}`);
    mkdirSync(staging, { recursive: true });
    writeFileSync(join(staging, TRAINER_ARCHIVE_NAME), trainer.tarGz);
    this.deployment = new BucketDeployment(this, 'Deployment', {
      destinationBucket: props.artifacts.bucket,
      destinationKeyPrefix: trainerCodePrefix(trainer.hash),
      sources: [Source.asset(staging, { assetHash: trainer.hash, assetHashType: AssetHashType.CUSTOM })],
      // The bucket holds everything else the foundry stores; older trainers stay for their jobs.
      prune: false,
      retainOnDelete: true,
      extract: true,
    });
    this.s3Uri = props.artifacts.bucket.s3UrlForObject(this.key);
    acknowledgeBucketDeploymentHandler(this, props.artifacts);
  }
}
