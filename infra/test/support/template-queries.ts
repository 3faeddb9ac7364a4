/** Reading a synthesized template the way a reviewer would: statements per role, as plain strings. */
import { type CfnElement, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';

export interface Statement {
  sid?: string;
  effect: string;
  actions: string[];
  /** `<LogicalId.Arn>/traces/*`, `<LogicalId>`, or the literal string. */
  resources: string[];
  condition?: Record<string, Record<string, unknown>>;
}

type Json = Record<string, unknown>;

export function logicalIdOf(construct: IConstruct): string {
  return Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
}

/** Renders an intrinsic the way cdk-nag does: GetAtt as `<Id.Attr>`, Ref as `<Id>`, Join concatenated. */
export function render(value: unknown): string {
  if (typeof value === 'string') return value;
  const json = value as Json;
  if (Array.isArray(json['Fn::GetAtt'])) return `<${(json['Fn::GetAtt'] as string[]).join('.')}>`;
  if (typeof json.Ref === 'string') return `<${json.Ref}>`;
  if (Array.isArray(json['Fn::Join'])) {
    const [separator, parts] = json['Fn::Join'] as [string, unknown[]];
    return parts.map(render).join(separator);
  }
  return JSON.stringify(value);
}

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Every statement of every policy attached to the role with `roleLogicalId`. */
export function roleStatements(template: Template, roleLogicalId: string): Statement[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as Json[];
  const statements: Statement[] = [];
  for (const policy of policies) {
    const properties = policy.Properties as Json;
    const roles = asArray(properties.Roles as unknown[]).map(render);
    if (!roles.includes(`<${roleLogicalId}>`)) continue;
    for (const raw of asArray((properties.PolicyDocument as Json).Statement as Json[])) {
      statements.push({
        ...(typeof raw.Sid === 'string' ? { sid: raw.Sid } : {}),
        effect: String(raw.Effect),
        actions: asArray(raw.Action as string | string[]),
        resources: asArray(raw.Resource as unknown).map(render),
        ...(raw.Condition ? { condition: raw.Condition as Statement['condition'] } : {}),
      });
    }
  }
  return statements;
}

/** Resources the statements allow `action` on (exact action names only). */
export function resourcesFor(statements: readonly Statement[], action: string): string[] {
  return statements
    .filter((s) => s.effect === 'Allow' && s.actions.includes(action))
    .flatMap((s) => s.resources)
    .sort();
}

export function resourceProperties(template: Template, logicalId: string): Json {
  const resource = template.toJSON().Resources[logicalId] as Json | undefined;
  if (!resource) throw new Error(`no resource ${logicalId} in the template`);
  return resource.Properties as Json;
}
