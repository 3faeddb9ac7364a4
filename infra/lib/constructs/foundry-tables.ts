/**
 * `FoundryTables`: the DynamoDB tables of `FOUNDRY_TABLES` (the registry and the idempotency
 * records): on demand, point-in-time recovery on, TTL on the attribute the definition names, and
 * encrypted with the AWS managed key.
 */
import { FOUNDRY_TABLES } from '@harnessx/core';
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

export type FoundryTableName = keyof typeof FOUNDRY_TABLES;

export interface FoundryTablesProps {
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

export class FoundryTables extends Construct {
  readonly registry: Table;
  readonly idempotency: Table;

  constructor(scope: Construct, id: string, props: FoundryTablesProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const table = (name: FoundryTableName, constructId: string) =>
      new Table(this, constructId, {
        partitionKey: { name: FOUNDRY_TABLES[name].partitionKey, type: AttributeType.STRING },
        timeToLiveAttribute: FOUNDRY_TABLES[name].timeToLiveAttribute,
        billingMode: BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: TableEncryption.AWS_MANAGED,
        removalPolicy,
      });
    this.registry = table('registry', 'Registry');
    this.idempotency = table('idempotency', 'Idempotency');
  }

  get all(): Table[] {
    return [this.registry, this.idempotency];
  }
}
