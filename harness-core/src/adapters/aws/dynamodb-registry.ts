/**
 * The AWS `Registry`: one DynamoDB table keyed by the string `pk` (FOUNDRY_TABLES.registry), one item
 * per name — `current#<harness>`, `lease#<name>`, `counter#<name>`, `fanin#<name>`, `once#<key>` —
 * each changed by a single conditional write, so every operation is atomic without locks.
 */
import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { InputError } from '../../errors.ts';
import type { Clock } from '../../ports/clock.ts';
import { FOUNDRY_TABLES } from '../../ports/foundry-topology.ts';
import type { Registry } from '../../ports/registry.ts';
import { parseWith } from '../../schema.ts';
import { registryArgumentChecker } from '../embedded/registry-arguments.ts';
import { MAX_RECORD_VALUE_LENGTH } from '../embedded/registry-file.ts';
import { awsErrorName, toFoundryError } from './aws-errors.ts';
import { type AwsClientOptions, createDynamoDbClient } from './clients.ts';

export interface DynamoDbRegistryOptions {
  tableName: string;
  /** Defaults to `createDynamoDbClient()` (the SDK's chain, or `AWS_ENDPOINT_URL_DYNAMODB`). */
  client?: DynamoDBClient;
  /** Time for `updatedAt` stamps and lease expiry (default: the system clock). */
  clock?: Clock;
}

const PK = FOUNDRY_TABLES.registry.partitionKey;
const TTL = FOUNDRY_TABLES.registry.timeToLiveAttribute;
/** DynamoDB's partition key limit; names are checked against it so a long UTF-8 name fails clearly. */
const MAX_KEY_BYTES = 2048;
/** Expired leases stay readable this long (for `getLease`), then DynamoDB's TTL removes them. */
const LEASE_RETENTION_SECONDS = 7 * 24 * 60 * 60;

const optionsSchema = z
  .object({
    tableName: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'expected a DynamoDB table name'),
    client: z.custom<DynamoDBClient>(
      (value) =>
        typeof value === 'object' && value !== null && typeof (value as DynamoDBClient).send === 'function',
      'expected a DynamoDBClient',
    ),
    clock: z.custom<Clock>(
      (value) => typeof value === 'object' && value !== null && typeof (value as Clock).now === 'function',
      'expected an object with a now() method',
    ),
  })
  .partial({ client: true, clock: true })
  .strict();

const wallClock: Clock = { now: () => new Date() };

const S = (value: string): AttributeValue => ({ S: value });
const N = (value: number): AttributeValue => ({ N: String(value) });

function numberOf(value: AttributeValue | undefined): number {
  return value?.N === undefined ? 0 : Number(value.N);
}

/**
 * A `Registry` in the DynamoDB table `tableName` (partition key `pk`, string). Bad arguments raise
 * `InputError` before any request; throttling and 5xx raise `TransientError`; other failures
 * (a missing table, no permission) raise `SystemError` (`REGISTRY_IO`).
 *
 * @example
 * const registry = createDynamoDbRegistry({ tableName: process.env.HARNESSX_REGISTRY_TABLE });
 * const shardsDone = await registry.recordFanIn(`shards:${cycleId}:candidates`, shardId);
 */
export function createDynamoDbRegistry(options: DynamoDbRegistryOptions): Registry {
  const settings = parseWith(optionsSchema, options, 'dynamodb registry options', 'createDynamoDbRegistry');
  const { tableName } = settings;
  const client = settings.client ?? createDynamoDbClient();
  const clock = settings.clock ?? wallClock;
  const source = `dynamodb registry ${tableName}`;

  const checkArguments = registryArgumentChecker(source, (value) =>
    Buffer.byteLength(value, 'utf8') > MAX_KEY_BYTES - 16
      ? `longer than ${MAX_KEY_BYTES - 16} UTF-8 bytes`
      : undefined,
  );

  /** Runs one conditional write; a failed condition is `false`, any other failure a foundry error. */
  const conditional = async (write: () => Promise<unknown>, what: string): Promise<boolean> => {
    try {
      await write();
      return true;
    } catch (error) {
      if (awsErrorName(error) === 'ConditionalCheckFailedException') return false;
      throw toFoundryError(error, `${what} on ${tableName}`, 'REGISTRY_IO');
    }
  };

  const getItem = async (pk: string): Promise<Record<string, AttributeValue> | undefined> => {
    try {
      const { Item } = await client.send(
        new GetItemCommand({ TableName: tableName, Key: { [PK]: S(pk) }, ConsistentRead: true }),
      );
      return Item;
    } catch (error) {
      throw toFoundryError(error, `GetItem ${pk} on ${tableName}`, 'REGISTRY_IO');
    }
  };

  const update = async (
    input: Omit<UpdateItemCommandInput, 'TableName' | 'ReturnValues'>,
    what: string,
  ): Promise<Record<string, AttributeValue> | false> => {
    try {
      const { Attributes } = await client.send(
        new UpdateItemCommand({ ...input, TableName: tableName, ReturnValues: 'UPDATED_NEW' }),
      );
      return Attributes ?? {};
    } catch (error) {
      if (awsErrorName(error) === 'ConditionalCheckFailedException') return false;
      throw toFoundryError(error, `${what} on ${tableName}`, 'REGISTRY_IO');
    }
  };

  return {
    async getCurrent(harnessName) {
      checkArguments({ harnessName });
      const item = await getItem(`current#${harnessName}`);
      if (!item?.contentId?.S || !item.updatedAt?.S) return undefined;
      return { contentId: item.contentId.S, version: numberOf(item.version), updatedAt: item.updatedAt.S };
    },

    async compareAndSetCurrent(harnessName, expected, next) {
      checkArguments(expected === undefined ? { harnessName, next } : { harnessName, expected, next });
      const now = clock.now().toISOString();
      const Key = { [PK]: S(`current#${harnessName}`) };
      if (expected === undefined) {
        const item = { ...Key, contentId: S(next), version: N(1), updatedAt: S(now) };
        return conditional(
          () =>
            client.send(
              new PutItemCommand({
                TableName: tableName,
                Item: item,
                ConditionExpression: 'attribute_not_exists(#pk)',
                ExpressionAttributeNames: { '#pk': PK },
              }),
            ),
          `create current#${harnessName}`,
        );
      }
      const moved = await update(
        {
          Key,
          UpdateExpression: 'SET #contentId = :next, #updatedAt = :now ADD #version :one',
          ConditionExpression: '#contentId = :expected',
          ExpressionAttributeNames: {
            '#contentId': 'contentId',
            '#updatedAt': 'updatedAt',
            '#version': 'version',
          },
          ExpressionAttributeValues: {
            ':next': S(next),
            ':now': S(now),
            ':one': N(1),
            ':expected': S(expected),
          },
        },
        `move current#${harnessName}`,
      );
      return moved !== false;
    },

    async acquireLease(name, owner, ttlMs) {
      const ttlValid = Number.isSafeInteger(ttlMs) && ttlMs > 0;
      checkArguments(
        { name, owner },
        ttlValid ? [] : [{ path: 'ttlMs', message: 'expected a positive integer' }],
      );
      const nowMs = clock.now().getTime();
      const expiresMs = nowMs + ttlMs;
      const lease = new PutItemCommand({
        TableName: tableName,
        Item: {
          [PK]: S(`lease#${name}`),
          owner: S(owner),
          expiresAt: S(new Date(expiresMs).toISOString()),
          expiresAtMs: N(expiresMs),
          [TTL]: N(Math.ceil(expiresMs / 1000) + LEASE_RETENTION_SECONDS),
        },
        ConditionExpression: 'attribute_not_exists(#pk) OR #owner = :owner OR #expiresAtMs <= :now',
        ExpressionAttributeNames: { '#pk': PK, '#owner': 'owner', '#expiresAtMs': 'expiresAtMs' },
        ExpressionAttributeValues: { ':owner': S(owner), ':now': N(nowMs) },
      });
      return conditional(() => client.send(lease), `acquire lease#${name}`);
    },

    async releaseLease(name, owner) {
      checkArguments({ name, owner });
      const release = new DeleteItemCommand({
        TableName: tableName,
        Key: { [PK]: S(`lease#${name}`) },
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': S(owner) },
      });
      await conditional(() => client.send(release), `release lease#${name}`);
    },

    async getLease(name) {
      checkArguments({ name });
      const item = await getItem(`lease#${name}`);
      if (!item?.owner?.S || !item.expiresAt?.S) return undefined;
      return { owner: item.owner.S, expiresAt: item.expiresAt.S };
    },

    async increment(counter, by = 1) {
      checkArguments(
        { counter },
        Number.isSafeInteger(by) ? [] : [{ path: 'by', message: 'expected an integer' }],
      );
      // The condition keeps the result a safe integer, refusing (not wrapping) a step that would leave it.
      const result = await update(
        {
          Key: { [PK]: S(`counter#${counter}`) },
          UpdateExpression: 'ADD #value :by',
          ConditionExpression: 'attribute_not_exists(#value) OR #value BETWEEN :low AND :high',
          ExpressionAttributeNames: { '#value': 'value' },
          ExpressionAttributeValues: {
            ':by': N(by),
            ':low': N(Number.MIN_SAFE_INTEGER - Math.min(by, 0)),
            ':high': N(Number.MAX_SAFE_INTEGER - Math.max(by, 0)),
          },
        },
        `increment counter#${counter}`,
      );
      if (result === false) {
        throw new InputError('registry argument', source, [
          { path: 'by', message: `counter "${counter}" would leave the safe integer range` },
        ]);
      }
      return numberOf(result.value);
    },

    async recordFanIn(name, member) {
      checkArguments({ name, member });
      const Key = { [PK]: S(`fanin#${name}`) };
      const added = await update(
        {
          Key,
          UpdateExpression: 'ADD #members :members, #count :one',
          ConditionExpression: 'attribute_not_exists(#members) OR NOT contains(#members, :member)',
          ExpressionAttributeNames: { '#members': 'members', '#count': 'memberCount' },
          ExpressionAttributeValues: { ':members': { SS: [member] }, ':one': N(1), ':member': S(member) },
        },
        `add to fanin#${name}`,
      );
      if (added !== false) return numberOf(added.memberCount);
      // Already a member: the count as it stands (a strongly consistent read sees our earlier add).
      return numberOf((await getItem(`fanin#${name}`))?.memberCount);
    },

    async recordOnce(key, value) {
      const valueValid = typeof value === 'string' && value.length <= MAX_RECORD_VALUE_LENGTH;
      const valueIssues = valueValid
        ? []
        : [{ path: 'value', message: `expected a string of at most ${MAX_RECORD_VALUE_LENGTH} characters` }];
      checkArguments({ key }, valueIssues);
      const record = new PutItemCommand({
        TableName: tableName,
        Item: { [PK]: S(`once#${key}`), value: S(value), recordedAt: S(clock.now().toISOString()) },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': PK },
      });
      return conditional(() => client.send(record), `record once#${key}`);
    },
  };
}

/**
 * Opens a DynamoDB registry from plain, serialisable settings — what a child process or a config
 * file can carry, where a client object cannot travel.
 */
export function openDynamoDbRegistry(
  settings: { tableName: string } & Pick<AwsClientOptions, 'endpoint' | 'region' | 'credentials'>,
): Registry {
  const { tableName, ...clientOptions } = settings;
  return createDynamoDbRegistry({ tableName, client: createDynamoDbClient(clientOptions) });
}
