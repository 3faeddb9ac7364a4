/** The CDK app `cdk.json` runs: one HarnessFoundryStack, checked by cdk-nag (infra/README.md). */
import { createFoundryApp } from '../lib/foundry-app.ts';

await createFoundryApp();
