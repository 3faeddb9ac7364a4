import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, SystemError } from '../../errors.ts';
import { createManualTestClock, describeRegistryContract } from '../contract-tests/index.ts';
import { createDynamoDbClient } from './clients.ts';
import { createDynamoDbRegistry } from './dynamodb-registry.ts';
import { type RunningEmulators, startEmulators } from './emulators.ts';

const REGISTRY_MODULE = fileURLToPath(new URL('./dynamodb-registry.ts', import.meta.url));

let emulators: RunningEmulators;
let client: DynamoDBClient;

beforeAll(async () => {
  emulators = await startEmulators({ s3AndSqs: false });
  client = createDynamoDbClient(emulators.clientOptions(emulators.dynamodbEndpoint));
});

afterAll(async () => {
  client.destroy();
  await emulators.stop();
});

async function newTable(): Promise<string> {
  const tableName = `registry-${randomUUID()}`;
  await emulators.createTable(tableName, 'pk');
  return tableName;
}

describeRegistryContract('DynamoDB on dynalite', async ({ clock }) => {
  const tableName = await newTable();
  const other = createDynamoDbClient(emulators.clientOptions(emulators.dynamodbEndpoint));
  return {
    registry: createDynamoDbRegistry({ tableName, client, clock }),
    openAnother: () => createDynamoDbRegistry({ tableName, client: other, clock }),
    childProcessOpener: {
      module: REGISTRY_MODULE,
      exportName: 'openDynamoDbRegistry',
      args: [{ tableName, ...emulators.clientOptions(emulators.dynamodbEndpoint) }],
    },
    dispose: async () => other.destroy(),
  };
});

describe('createDynamoDbRegistry', () => {
  it('keeps one item per name, a fan-in as a string set with its count', async () => {
    const tableName = await newTable();
    const clock = createManualTestClock(new Date('2026-03-04T05:06:07.000Z'));
    const registry = createDynamoDbRegistry({ tableName, client, clock });
    await registry.recordFanIn('shards:c1', 'shard-b');
    await registry.recordFanIn('shards:c1', 'shard-a');
    await registry.recordFanIn('shards:c1', 'shard-a');
    await registry.compareAndSetCurrent('household', undefined, 'sha256:a');
    await registry.acquireLease('cycle:household', 'host:1', 60_000);
    const item = async (pk: string) =>
      (
        await client.send(
          new GetItemCommand({ TableName: tableName, Key: { pk: { S: pk } }, ConsistentRead: true }),
        )
      ).Item;
    const fanIn = await item('fanin#shards:c1');
    expect(fanIn?.members?.SS?.sort()).toEqual(['shard-a', 'shard-b']);
    expect(fanIn?.memberCount).toEqual({ N: '2' });
    expect(await item('current#household')).toMatchObject({
      contentId: { S: 'sha256:a' },
      version: { N: '1' },
      updatedAt: { S: '2026-03-04T05:06:07.000Z' },
    });
    const lease = await item('lease#cycle:household');
    expect(lease?.owner).toEqual({ S: 'host:1' });
    // The table's TTL attribute is set, past the expiry, so expired leases are cleaned up eventually.
    expect(Number(lease?.expiresAtEpoch?.N)).toBeGreaterThan(Date.parse('2026-03-04T05:07:07.000Z') / 1000);
  });

  it('refuses an increment that would leave the safe integer range, changing nothing', async () => {
    const registry = createDynamoDbRegistry({ tableName: await newTable(), client });
    await registry.increment('big', Number.MAX_SAFE_INTEGER - 1);
    await expect(registry.increment('big', 2)).rejects.toBeInstanceOf(InputError);
    expect(await registry.increment('big', 1)).toBe(Number.MAX_SAFE_INTEGER);
    await registry.increment('small', Number.MIN_SAFE_INTEGER);
    await expect(registry.increment('small', -1)).rejects.toBeInstanceOf(InputError);
  });

  it('refuses names over the partition key size in UTF-8 bytes', async () => {
    const registry = createDynamoDbRegistry({ tableName: await newTable(), client });
    await expect(registry.recordOnce('𝄞'.repeat(600), 'v')).rejects.toBeInstanceOf(InputError);
    await expect(registry.recordOnce('a'.repeat(1000), 'v')).resolves.toBe(true);
  });

  it('reports a missing table as SystemError REGISTRY_IO naming it', async () => {
    const registry = createDynamoDbRegistry({ tableName: 'no-such-table', client });
    for (const operation of [
      () => registry.getCurrent('h'),
      () => registry.recordFanIn('f', 'm'),
      () => registry.increment('c'),
    ]) {
      const error = await operation().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SystemError);
      expect((error as SystemError).code).toBe('REGISTRY_IO');
      expect((error as SystemError).message).toContain('no-such-table');
    }
  });

  it('refuses bad options', () => {
    expect(() => createDynamoDbRegistry({ tableName: 'x', client })).toThrow(InputError);
    expect(() => createDynamoDbRegistry({ tableName: 'registry', client: {} as DynamoDBClient })).toThrow(
      InputError,
    );
    expect(() => createDynamoDbRegistry({ tableName: 'registry', client, clock: {} as never })).toThrow(
      InputError,
    );
  });
});
