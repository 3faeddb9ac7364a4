import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, describe, expect, it } from 'vitest';
import { createFoundryApp } from '../lib/foundry-app.ts';
import { removeTemporaryOutdirs, testAppProps } from './support/synth.ts';

afterAll(removeTemporaryOutdirs);

interface Violation {
  ruleName: string;
  violatingConstructs: { constructPath: string }[];
}
interface ValidationReport {
  pluginReports: {
    pluginName: string;
    conclusion: string;
    violations: Violation[];
    suppressedViolations?: (Violation & { reason: string })[];
  }[];
}

function readReport(outdir: string): ValidationReport {
  return JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as ValidationReport;
}

function synthError(app: App): unknown {
  try {
    app.synth();
    return undefined;
  } catch (error) {
    return error;
  }
}

/** Every acknowledgement recorded in the tree, as `[rule id, reason]`. */
const acknowledgementsUnder = (root: IConstruct): [string, string][] =>
  root.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
    .flatMap((m) => Object.entries(m.data as Record<string, string>));

describe('cdk-nag AwsSolutions', () => {
  it.each([
    ['the default context', {}],
    [
      'a model secret and an alarm e-mail',
      { 'harnessx:modelSecretName': 'hx/models', 'harnessx:alarmEmail': 'a@b.co' },
    ],
  ])('passes the real app with %s: no unacknowledged finding', async (_label, context) => {
    const props = testAppProps({ context });
    const { app } = await createFoundryApp(props);
    expect(synthError(app)).toBeUndefined();
    const reports = readReport(props.outdir as string).pluginReports;
    expect(reports.flatMap((r) => r.violations)).toEqual([]);
    // The acknowledged findings are real findings, and the report keeps each with its reason.
    const acknowledged = reports.find((r) => r.pluginName === 'AwsSolutions')?.suppressedViolations ?? [];
    expect(acknowledged.map((v) => v.ruleName)).toEqual(
      expect.arrayContaining(['AwsSolutions-IAM5[Resource::*]', 'AwsSolutions-L1']),
    );
    for (const finding of acknowledged) expect(finding.reason.length).toBeGreaterThan(40);
  });

  it('gives every acknowledgement a written reason', async () => {
    const { app } = await createFoundryApp(testAppProps());
    const acknowledgements = acknowledgementsUnder(app);
    expect(acknowledgements.length).toBeGreaterThan(10);
    for (const [id, reason] of acknowledgements) {
      expect(id).toMatch(/^AwsSolutions::AwsSolutions-/);
      expect(reason.length, `reason for ${id}`).toBeGreaterThan(40);
    }
  });

  it('is live: an insecure bucket in a scratch app fails synthesis with its findings', () => {
    const props = testAppProps();
    const app = new App(props);
    const stack = new Stack(app, 'Scratch');
    new Bucket(stack, 'Insecure');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const error = synthError(app);
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).toMatch(/AwsSolutions-S1/);
    const nag = readReport(props.outdir as string).pluginReports.find((r) => r.pluginName === 'AwsSolutions');
    const findings = (nag?.violations ?? []).map((v) => [
      v.ruleName,
      v.violatingConstructs[0]?.constructPath,
    ]);
    expect(findings).toEqual(
      expect.arrayContaining([
        ['AwsSolutions-S1', 'Scratch/Insecure/Resource'],
        ['AwsSolutions-S10', 'Scratch/Insecure/Resource'],
      ]),
    );
  });
});
