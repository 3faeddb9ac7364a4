import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, SystemError, TransientError } from '../../errors.ts';
import { describeArtifactStoreContract } from '../contract-tests/index.ts';
import { createS3Client, resolveClientConfig } from './clients.ts';
import { type ConditionalPutProxy, startConditionalPutProxy } from './conditional-put-proxy.ts';
import { type RunningEmulators, startEmulators } from './emulators.ts';
import { createS3ArtifactStore } from './s3-artifact-store.ts';

let emulators: RunningEmulators;
let proxy: ConditionalPutProxy;
let direct: S3Client;
let viaProxy: S3Client;

beforeAll(async () => {
  emulators = await startEmulators({ dynamodb: false });
  proxy = await startConditionalPutProxy({ upstream: emulators.s3Endpoint });
  direct = createS3Client(emulators.clientOptions(emulators.s3Endpoint));
  viaProxy = createS3Client(emulators.clientOptions(proxy.endpoint));
});

afterAll(async () => {
  direct.destroy();
  viaProxy.destroy();
  await proxy.stop();
  await emulators.stop();
});

async function newBucket(): Promise<string> {
  const bucket = `hx-${randomUUID().slice(0, 18)}`;
  await direct.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

const text = (bytes: Uint8Array | undefined) =>
  bytes === undefined ? undefined : Buffer.from(bytes).toString();

// Emulators ignore If-None-Match: this is the look-first path.
describeArtifactStoreContract('S3 on fauxqs', async () => ({
  store: createS3ArtifactStore({ bucket: await newBucket(), client: direct }),
}));

// No look-first: every immutable write relies on the 412, which the proxy answers the way S3 does.
describeArtifactStoreContract('S3 conditional PUT only (fauxqs behind the precondition proxy)', async () => ({
  store: createS3ArtifactStore({ bucket: await newBucket(), client: viaProxy, precheck: false }),
}));

describeArtifactStoreContract('S3 under a prefix', async () => ({
  store: createS3ArtifactStore({ bucket: await newBucket(), client: direct, prefix: 'foundry/' }),
}));

describe('createS3ArtifactStore', () => {
  it('handles a 412 from a conditional PUT: same bytes exist, different bytes conflict', async () => {
    const bucket = await newBucket();
    const key = 'harnesses/h/versions/v1/harness.json';
    // Another writer got there between any check and our PUT: the object is already in S3.
    await direct.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: '{"v":1}' }));
    const store = createS3ArtifactStore({ bucket, client: viaProxy, precheck: false });
    const before = proxy.preconditionFailures;
    expect(await store.putImmutable(key, '{"v":1}')).toBe('exists');
    expect(proxy.preconditionFailures).toBe(before + 1);
    const conflict = await store.putImmutable(key, '{"v":2}').catch((caught: unknown) => caught);
    expect(conflict).toBeInstanceOf(SystemError);
    expect((conflict as SystemError).code).toBe('IMMUTABLE_CONFLICT');
    expect(proxy.preconditionFailures).toBe(before + 2);
    const stored = await direct.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(await stored.Body?.transformToString()).toBe('{"v":1}');
  });

  it('answers a conditional PUT on an existing key through the proxy with S3-shaped 412 XML', async () => {
    const bucket = await newBucket();
    await direct.send(new PutObjectCommand({ Bucket: bucket, Key: 'a.json', Body: 'a' }));
    const error = await viaProxy
      .send(new PutObjectCommand({ Bucket: bucket, Key: 'a.json', Body: 'b', IfNoneMatch: '*' }))
      .catch((caught: unknown) => caught);
    expect((error as { name: string }).name).toBe('PreconditionFailed');
    expect((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(412);
    await viaProxy.send(new PutObjectCommand({ Bucket: bucket, Key: 'b.json', Body: 'b', IfNoneMatch: '*' }));
    const stored = await viaProxy.send(new GetObjectCommand({ Bucket: bucket, Key: 'b.json' }));
    expect(await stored.Body?.transformToString()).toBe('b');
  });

  it('pages through listings longer than one ListObjectsV2 page', async () => {
    const bucket = await newBucket();
    const store = createS3ArtifactStore({ bucket, client: direct });
    const keys = Array.from(
      { length: 1_050 },
      (_, index) => `traces/p/${String(index).padStart(5, '0')}.json`,
    );
    for (let start = 0; start < keys.length; start += 50) {
      await Promise.all(keys.slice(start, start + 50).map((key) => store.put(key, 'x')));
    }
    expect(await store.list('traces/')).toEqual(keys);
  });

  it('keeps keys under its prefix and lists them without it, skipping folder markers', async () => {
    const bucket = await newBucket();
    const store = createS3ArtifactStore({ bucket, client: direct, prefix: 'team-a/' });
    await store.put('cycles/c1/state.json', '{}');
    await direct.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'team-a/cycles/', Body: new Uint8Array() }),
    );
    await direct.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'elsewhere.json', Body: new Uint8Array() }),
    );
    expect(await store.list('')).toEqual(['cycles/c1/state.json']);
    const raw = await direct.send(
      new GetObjectCommand({ Bucket: bucket, Key: 'team-a/cycles/c1/state.json' }),
    );
    expect(await raw.Body?.transformToString()).toBe('{}');
    expect(text(await store.get('cycles/c1/state.json'))).toBe('{}');
  });

  it('refuses bad options and a key that the prefix pushes over 1024 bytes', async () => {
    expect(() => createS3ArtifactStore({ bucket: 'Not_A_Bucket', client: direct })).toThrow(InputError);
    expect(() => createS3ArtifactStore({ bucket: 'ok-bucket', client: direct, prefix: 'no-slash' })).toThrow(
      InputError,
    );
    expect(() => createS3ArtifactStore({ bucket: 'ok-bucket', client: direct, prefix: '../' })).toThrow(
      InputError,
    );
    expect(() => createS3ArtifactStore({ bucket: 'ok-bucket', client: {} as S3Client })).toThrow(InputError);
    const store = createS3ArtifactStore({ bucket: await newBucket(), client: direct, prefix: 'p/' });
    await expect(store.put('k'.repeat(1023), 'x')).rejects.toBeInstanceOf(InputError);
  });

  it('reports a missing bucket as SystemError STORE_IO', async () => {
    const store = createS3ArtifactStore({ bucket: 'no-such-bucket-here', client: direct });
    for (const operation of [() => store.put('a.json', 'x'), () => store.list('')]) {
      const error = await operation().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SystemError);
      expect((error as SystemError).code).toBe('STORE_IO');
      expect((error as SystemError).message).toContain('no-such-bucket-here');
    }
  });

  it('reports throttling and 5xx from S3 as TransientError', async () => {
    // A test double for an overloaded S3: every request gets 503 SlowDown.
    const overloaded: Server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(503, { 'content-type': 'application/xml' });
        response.end(
          '<?xml version="1.0"?><Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message></Error>',
        );
      });
    });
    await new Promise<void>((resolve) => overloaded.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(overloaded.address() as AddressInfo).port}`;
    // One attempt: the SDK's own retries would only slow the test down.
    const client = new S3Client({
      ...resolveClientConfig('s3', emulators.clientOptions(endpoint)),
      forcePathStyle: true,
      maxAttempts: 1,
    });
    try {
      const store = createS3ArtifactStore({ bucket: 'some-bucket', client });
      for (const operation of [
        () => store.get('a.json'),
        () => store.put('a.json', 'x'),
        () => store.putImmutable('b', 'x'),
      ]) {
        const error = await operation().catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(TransientError);
        expect((error as TransientError).code).toBe('STORE_IO_UNAVAILABLE');
      }
    } finally {
      client.destroy();
      overloaded.closeAllConnections();
      await new Promise((resolve) => overloaded.close(resolve));
    }
  }, 30_000);
});
