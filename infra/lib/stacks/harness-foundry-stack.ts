/**
 * The deployable stack: the `HarnessFoundry` construct and nothing else. Environment-agnostic (no
 * `env`, no lookups) so `cdk synth` needs no credentials and no network.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { HarnessFoundry, type HarnessFoundryProps } from '../harness-foundry.ts';

export interface HarnessFoundryStackProps extends Omit<StackProps, 'env'> {
  /** @default - the construct's defaults */
  readonly foundry?: HarnessFoundryProps;
}

export class HarnessFoundryStack extends Stack {
  readonly foundry: HarnessFoundry;

  constructor(scope: Construct, id: string, props: HarnessFoundryStackProps = {}) {
    const { foundry, ...stackProps } = props;
    super(scope, id, {
      description: 'HarnessX Foundry: evolves LLM agent harnesses from their traces (serverless).',
      ...stackProps,
    });
    this.foundry = new HarnessFoundry(this, 'Foundry', foundry);
  }
}
