/**
 * Composes the foundry app: the context read, the project file loaded, one `HarnessFoundryStack`,
 * and cdk-nag's AwsSolutions checks over everything (synthesis fails on any unacknowledged finding).
 */
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readFoundryContext } from './foundry-context.ts';
import { loadFoundryProjectFiles } from './project-files.ts';
import { HarnessFoundryStack } from './stacks/harness-foundry-stack.ts';

export const STACK_ID = 'HarnessFoundry';

export async function createFoundryApp(
  props: AppProps = {},
): Promise<{ app: App; stack: HarnessFoundryStack }> {
  const app = new App(props);
  const context = readFoundryContext(app);
  const project = await loadFoundryProjectFiles(context.projectFile);
  const stack = new HarnessFoundryStack(app, STACK_ID, {
    foundry: {
      projects: [project],
      removalPolicy: context.removalPolicy,
      ...(context.modelSecretName ? { modelSecretName: context.modelSecretName } : {}),
      ...(context.alarmEmail ? { alarmEmail: context.alarmEmail } : {}),
    },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
