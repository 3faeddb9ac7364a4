import { createServer } from 'node:net';
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, SystemError } from '../../errors.ts';
import { createS3Client } from './clients.ts';
import { type RunningEmulators, startEmulators } from './emulators.ts';
import { createS3Uploader } from './s3-upload.ts';

let emulators: RunningEmulators;
const bucket = 'upload-test-bucket';

beforeAll(async () => {
  emulators = await startEmulators({ dynamodb: false });
  const s3 = createS3Client(emulators.clientOptions(emulators.s3Endpoint));
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  s3.destroy();
});

afterAll(async () => {
  await emulators?.stop();
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('createS3Uploader', () => {
  it('puts the bytes at the key, path-style, with test credentials when the environment has none', async () => {
    const uploader = createS3Uploader({ bucket, endpoint: emulators.s3Endpoint, env: {} });
    const key = 'traces/p/2026/01/02/run one.json';
    const { eTag } = await uploader.put(key, '{"resourceSpans":[]}', 'application/json');
    uploader.close();
    expect(eTag).toMatch(/^[0-9a-f]{32}$/);
    const s3 = createS3Client(emulators.clientOptions(emulators.s3Endpoint));
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(await object.Body?.transformToString()).toBe('{"resourceSpans":[]}');
    expect(object.ContentType).toBe('application/json');
    s3.destroy();
  });

  it('accepts process.env itself as the environment', async () => {
    const uploader = createS3Uploader({ bucket, endpoint: emulators.s3Endpoint, env: process.env });
    await expect(uploader.put('traces/p/a.json', '{}')).resolves.toMatchObject({ key: 'traces/p/a.json' });
    uploader.close();
  });

  it('refuses a bad bucket name or endpoint before any request', () => {
    expect(() => createS3Uploader({ bucket: 'Bad_Bucket', endpoint: emulators.s3Endpoint })).toThrow(
      /bucket.*not an S3 bucket name/s,
    );
    expect(() => createS3Uploader({ bucket, endpoint: 'ftp://x' })).toThrow(InputError);
  });

  it('refuses a key that is not a store key', async () => {
    const uploader = createS3Uploader({ bucket, endpoint: emulators.s3Endpoint, env: {} });
    await expect(uploader.put('traces/../escape.json', '{}')).rejects.toThrow(/"\." or "\.\." segment/);
    uploader.close();
  });

  it('names a missing bucket as the problem', async () => {
    const uploader = createS3Uploader({ bucket: 'no-such-bucket', endpoint: emulators.s3Endpoint, env: {} });
    const error = await uploader.put('traces/p/a.json', '{}').catch((caught: unknown) => caught);
    uploader.close();
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).issues).toEqual([{ path: 'bucket', message: 'the bucket does not exist' }]);
  });

  it('says when nothing listens at the endpoint', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const uploader = createS3Uploader({ bucket, endpoint, env: {} });
    const error = await uploader.put('traces/p/a.json', '{}').catch((caught: unknown) => caught);
    uploader.close();
    expect(error).toBeInstanceOf(SystemError);
    expect(error).toMatchObject({ code: 'ENDPOINT_UNREACHABLE' });
    expect((error as Error).message).toContain('harnessx stack up');
  });
});
