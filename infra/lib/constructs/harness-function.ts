/**
 * `HarnessFunction`: one foundry Lambda as the house builds them. ESM bundled by the local esbuild
 * with the shared bundling options, Node 24 on ARM, X-Ray active, Powertools environment, logs in
 * a log group with retention, and a role of its own (least privilege is granted per function by
 * the caller). A sandbox-using function also gets the QuickJS layer and the sandbox worker scripts
 * next to its bundle, where the sandbox starts them from.
 */
import { join } from 'node:path';
import { FUNCTION_BUNDLING } from '@harnessx/core';
import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type ILayerVersion, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { Charset, LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeNagFinding } from '../nag-acknowledgement.ts';

const OUTPUT_FORMATS = { esm: OutputFormat.ESM, cjs: OutputFormat.CJS } as const;
const CHARSETS = { utf8: Charset.UTF8, ascii: Charset.ASCII } as const;

export interface HarnessFunctionProps {
  /** Folder under `functions/` holding `handler.ts`; also the Powertools service name. */
  readonly functionName: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize: number;
  /** Repository root: the entry, the lock file and the sandbox worker folder are found from it. */
  readonly repositoryRoot: string;
  /**
   * The QuickJS sandbox layer, for functions that run evolved code processors.
   * @default - no layer and no sandbox worker scripts
   */
  readonly sandboxLayer?: ILayerVersion;
  readonly logRetention: RetentionDays;
  /** Applied to the log group. */
  readonly removalPolicy: RemovalPolicy;
  /** CloudWatch namespace of the Powertools metrics. */
  readonly metricsNamespace: string;
  /** @default - only the Powertools variables */
  readonly environment?: Record<string, string>;
}

/** A POSIX shell word for `path` (the afterBundling hook runs through `bash -c`). */
function shellWord(path: string): string {
  return `'${path.replaceAll("'", "'\\''")}'`;
}

export class HarnessFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: HarnessFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    // Its own role instead of the managed AWSLambdaBasicExecutionRole: logs go to this group only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `HarnessX ${props.functionName} function`,
    });
    this.logGroup.grantWrite(this.role);
    const sandbox = props.sandboxLayer !== undefined;
    this.function = new NodejsFunction(this, 'Function', {
      entry: join(props.repositoryRoot, FUNCTION_BUNDLING.entry(props.functionName)),
      handler: 'handler',
      projectRoot: props.repositoryRoot,
      depsLockFilePath: join(props.repositoryRoot, 'package-lock.json'),
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      timeout: props.timeout,
      memorySize: props.memorySize,
      role: this.role,
      logGroup: this.logGroup,
      tracing: Tracing.ACTIVE,
      layers: props.sandboxLayer ? [props.sandboxLayer] : [],
      environment: {
        POWERTOOLS_SERVICE_NAME: props.functionName,
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
        // Stack traces point into the TypeScript sources through the bundle's source map.
        ...(FUNCTION_BUNDLING.sourcemap ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
        ...props.environment,
      },
      bundling: {
        format: OUTPUT_FORMATS[FUNCTION_BUNDLING.format],
        target: FUNCTION_BUNDLING.target,
        minify: FUNCTION_BUNDLING.minify,
        sourceMap: FUNCTION_BUNDLING.sourcemap,
        externalModules: [...FUNCTION_BUNDLING.externalModules],
        banner: FUNCTION_BUNDLING.banner,
        mainFields: [...FUNCTION_BUNDLING.mainFields],
        esbuildArgs: { '--legal-comments': FUNCTION_BUNDLING.legalComments },
        charset: CHARSETS[FUNCTION_BUNDLING.charset],
        logLevel: LogLevel.WARNING,
        forceDockerBundling: false,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          // The sandbox starts its worker by a path relative to the bundle (`./worker/…`).
          afterBundling: (inputDir: string, outputDir: string) =>
            sandbox
              ? [
                  `cp -R ${shellWord(join(inputDir, FUNCTION_BUNDLING.sandboxWorkerDir))} ${shellWord(join(outputDir, 'worker'))}`,
                ]
              : [],
        },
      },
    });
    acknowledgeNagFinding(
      this.role,
      'AwsSolutions-IAM5[Resource::*]',
      'Active X-Ray tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level permissions.',
    );
  }
}
