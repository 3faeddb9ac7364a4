/**
 * Acknowledging a cdk-nag finding at the construct that causes it, always with a reason. The id is
 * the plugin-qualified form the validation report prints (`AwsSolutions::<rule>[<finding>]`), so
 * the report lists every acknowledged finding with its reason as an audit trail.
 */
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export function acknowledgeNagFinding(scope: IConstruct, finding: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions::${finding}`, reason });
}
