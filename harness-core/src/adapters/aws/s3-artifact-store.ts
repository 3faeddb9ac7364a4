/**
 * The AWS `ArtifactStore`: one S3 object per key (DESIGN §8), with the embedded store's key rules,
 * and immutable writes by S3's conditional PUT (`If-None-Match: *`).
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { z } from 'zod';
import { InputError, SystemError, TransientError } from '../../errors.ts';
import type { ArtifactStore } from '../../ports/artifact-store.ts';
import { parseWith } from '../../schema.ts';
import {
  assertDeletableKey,
  assertStoreKey,
  assertStorePrefix,
  findStoreKeyIssues,
  MAX_STORE_KEY_BYTES,
} from '../embedded/store-key.ts';
import { awsErrorName, awsHttpStatus, toFoundryError } from './aws-errors.ts';
import { createS3Client } from './clients.ts';
import { createKeyedSerial } from './keyed-serial.ts';

export interface S3ArtifactStoreOptions {
  bucket: string;
  /** Defaults to `createS3Client()` (the SDK's chain, or `AWS_ENDPOINT_URL_S3`). */
  client?: S3Client;
  /** A folder inside the bucket every key lives under, e.g. `foundry/` (default: the bucket's root). */
  prefix?: string;
  /**
   * Look for an existing object before the conditional PUT (default true). Emulators accept
   * `If-None-Match` but ignore it, so the look-first path is what keeps `putImmutable` correct
   * there; S3 itself enforces the condition either way.
   */
  precheck?: boolean;
}

const optionsSchema = z
  .object({
    bucket: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'expected an S3 bucket name (3-63 of a-z 0-9 . -)'),
    client: z.custom<S3Client>(
      (value) =>
        typeof value === 'object' && value !== null && typeof (value as S3Client).send === 'function',
      'expected an S3Client',
    ),
    prefix: z
      .string()
      .refine((prefix) => prefix === '' || prefix.endsWith('/'), 'expected "" or a folder ending in "/"'),
    precheck: z.boolean(),
  })
  .partial({ client: true, prefix: true, precheck: true })
  .strict();

/** How often an immutable write starts over after S3 reported a concurrent conditional write (409). */
const CONFLICT_RETRIES = 3;

function toBytes(body: Uint8Array | string): Uint8Array {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

/** UTF-8 byte order: what S3 lists in and what the filesystem store sorts by. */
function compareKeys(left: string, right: string): number {
  return Buffer.compare(Buffer.from(left, 'utf8'), Buffer.from(right, 'utf8'));
}

/**
 * An `ArtifactStore` over `bucket` (which must exist). Keys follow the embedded store's rules, so a
 * layout that works locally works in S3; a bad key raises `InputError` before any request. S3
 * throttling and 5xx raise `TransientError`; other failures `SystemError` (`STORE_IO`).
 *
 * @example
 * const store = createS3ArtifactStore({ bucket: process.env.HARNESSX_BUCKET });
 * await store.putImmutable('harnesses/household/versions/sha256-ab…/harness.json', json);
 */
export function createS3ArtifactStore(options: S3ArtifactStoreOptions): ArtifactStore {
  const settings = parseWith(optionsSchema, options, 's3 artifact store options', 'createS3ArtifactStore');
  const { bucket } = settings;
  const folder = settings.prefix ?? '';
  if (folder !== '') assertStorePrefix(folder, 'createS3ArtifactStore prefix');
  const client = settings.client ?? createS3Client();
  const precheck = settings.precheck ?? true;
  const source = `s3 artifact store s3://${bucket}/${folder}`;
  /** Look-then-put for one key must not interleave with another in this process (emulators need it). */
  const serial = createKeyedSerial();

  const objectKey = (key: unknown): string => {
    assertStoreKey(key, source);
    const full = folder + key;
    if (Buffer.byteLength(full, 'utf8') > MAX_STORE_KEY_BYTES) {
      throw new InputError(
        'store key',
        source,
        [
          {
            path: 'key',
            message: `${JSON.stringify(key.slice(0, 120))} with the store's prefix is over ${MAX_STORE_KEY_BYTES} bytes`,
          },
        ],
        { code: 'STORE_KEY_INVALID' },
      );
    }
    return full;
  };

  const read = async (key: string): Promise<Uint8Array | undefined> => {
    try {
      const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return response.Body ? await response.Body.transformToByteArray() : new Uint8Array();
    } catch (error) {
      const name = awsErrorName(error);
      if (name === 'NoSuchKey' || (name !== 'NoSuchBucket' && awsHttpStatus(error) === 404)) return undefined;
      throw toFoundryError(error, `GetObject s3://${bucket}/${key}`, 'STORE_IO');
    }
  };

  const judgeExisting = (key: string, existing: Uint8Array, bytes: Uint8Array): 'exists' => {
    if (Buffer.compare(existing, bytes) === 0) return 'exists';
    throw new SystemError(`s3://${bucket}/${key} is immutable and already holds different bytes`, {
      code: 'IMMUTABLE_CONFLICT',
    });
  };

  /** One attempt: 'retry' when S3 reported a conditional write racing ours (409). */
  const tryPutImmutable = async (key: string, bytes: Uint8Array): Promise<'created' | 'exists' | 'retry'> => {
    if (precheck) {
      const existing = await read(key);
      if (existing !== undefined) return judgeExisting(key, existing, bytes);
    }
    try {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, IfNoneMatch: '*' }));
      return 'created';
    } catch (error) {
      const status = awsHttpStatus(error);
      if (status === 409 || awsErrorName(error) === 'ConditionalRequestConflict') return 'retry';
      if (status !== 412 && awsErrorName(error) !== 'PreconditionFailed') {
        throw toFoundryError(error, `PutObject s3://${bucket}/${key}`, 'STORE_IO');
      }
    }
    const existing = await read(key);
    // 412 then gone: deleted in between; another attempt decides.
    if (existing === undefined) return 'retry';
    return judgeExisting(key, existing, bytes);
  };

  return {
    async get(key) {
      return read(objectKey(key));
    },

    async put(key, body) {
      const full = objectKey(key);
      try {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: full, Body: toBytes(body) }));
      } catch (error) {
        throw toFoundryError(error, `PutObject s3://${bucket}/${full}`, 'STORE_IO');
      }
    },

    async putImmutable(key, body) {
      const full = objectKey(key);
      const bytes = toBytes(body);
      const attempt = async () => {
        for (let round = 0; round <= CONFLICT_RETRIES; round++) {
          const outcome = await tryPutImmutable(full, bytes);
          if (outcome !== 'retry') return outcome;
        }
        throw new TransientError(`s3://${bucket}/${full}: conditional writes kept conflicting`, {
          code: 'STORE_IO_UNAVAILABLE',
        });
      };
      // Without the look-first step S3's own condition arbitrates; no need to queue in-process.
      return precheck ? serial.run(full, attempt) : attempt();
    },

    async delete(key) {
      assertDeletableKey(key, source);
      const full = objectKey(key);
      try {
        // S3 answers 204 whether or not the key existed, which is the port's contract.
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: full }));
      } catch (error) {
        throw toFoundryError(error, `DeleteObject s3://${bucket}/${full}`, 'STORE_IO');
      }
    },

    async list(prefix) {
      assertStorePrefix(prefix, source);
      const keys: string[] = [];
      let token: string | undefined;
      do {
        let page: ListObjectsV2CommandOutput;
        try {
          page = await client.send(
            new ListObjectsV2Command({ Bucket: bucket, Prefix: folder + prefix, ContinuationToken: token }),
          );
        } catch (error) {
          throw toFoundryError(error, `ListObjectsV2 s3://${bucket}/${folder}${prefix}`, 'STORE_IO');
        }
        for (const object of page.Contents ?? []) {
          const key = object.Key?.slice(folder.length);
          // Folder markers and keys written by other tools that `get` would refuse are not store keys.
          if (key !== undefined && findStoreKeyIssues(key).length === 0) keys.push(key);
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys.sort(compareKeys);
    },
  };
}
