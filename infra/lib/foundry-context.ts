/**
 * The app's CDK context keys (`cdk synth -c harnessx:project=…`), parsed once with clear errors.
 */
import { isAbsolute, resolve } from 'node:path';
import { RemovalPolicy } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { z } from 'zod';
import { parseInput } from './parse-input.ts';
import { REPOSITORY_ROOT } from './repository-root.ts';

export const CONTEXT_KEYS = {
  /** Path of the project YAML deployed into the bucket (relative to the working directory). */
  project: 'harnessx:project',
  /** Name of an existing Secrets Manager secret with the model credentials. */
  modelSecretName: 'harnessx:modelSecretName',
  /** E-mail address subscribed to the alarm topic. */
  alarmEmail: 'harnessx:alarmEmail',
  /** `retain` (default) or `destroy`: what deleting the stack does to the bucket, tables and logs. */
  removalPolicy: 'harnessx:removalPolicy',
} as const;

export const DEFAULT_PROJECT_FILE = 'examples/projects/household.yaml';

const contextSchema = z.object({
  project: z.string().min(1).optional(),
  modelSecretName: z.string().min(1).optional(),
  alarmEmail: z.string().min(1).optional(),
  removalPolicy: z.enum(['retain', 'destroy']).optional(),
});

export interface FoundryContext {
  /** Absolute path of the project file. */
  projectFile: string;
  modelSecretName?: string;
  alarmEmail?: string;
  removalPolicy: RemovalPolicy;
}

export function readFoundryContext(scope: Construct): FoundryContext {
  const raw = Object.fromEntries(
    Object.entries(CONTEXT_KEYS).map(([field, key]) => [field, scope.node.tryGetContext(key)]),
  );
  const context = parseInput(contextSchema, raw, 'CDK context', 'cdk.json / -c harnessx:*');
  const project = context.project ?? DEFAULT_PROJECT_FILE;
  return {
    projectFile: isAbsolute(project)
      ? project
      : resolve(context.project ? process.cwd() : REPOSITORY_ROOT, project),
    ...(context.modelSecretName ? { modelSecretName: context.modelSecretName } : {}),
    ...(context.alarmEmail ? { alarmEmail: context.alarmEmail } : {}),
    removalPolicy: context.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
  };
}
