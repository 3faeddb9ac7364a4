/**
 * The upload primitive behind `harnessx upload`: puts files into a bucket, either the local stack's
 * (an explicit endpoint, path-style, test credentials unless the environment has some) or a real
 * one (the SDK's default credential chain and region). Failures become the foundry's errors with a
 * reason a user can act on: a missing bucket, no credentials, an endpoint nobody listens on.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { InputError, SystemError } from '../../errors.ts';
import { findStoreKeyIssues } from '../embedded/store-key.ts';
import { awsErrorName, toFoundryError } from './aws-errors.ts';
import { createS3Client } from './clients.ts';

export interface S3UploaderOptions {
  bucket: string;
  /** e.g. `http://127.0.0.1:4566`; absent = AWS itself. */
  endpoint?: string;
  /** Default: AWS_REGION, else `us-east-1`. */
  region?: string;
  env?: Readonly<Record<string, string | undefined>>;
}

export interface S3Uploader {
  bucket: string;
  /** Puts `body` at `key`; returns the object's ETag. */
  put(key: string, body: Uint8Array | string, contentType?: string): Promise<{ key: string; eTag: string }>;
  close(): void;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function validate(options: S3UploaderOptions): void {
  const issues = [];
  if (!BUCKET_NAME.test(options.bucket)) {
    issues.push({ path: 'bucket', message: `"${options.bucket}" is not an S3 bucket name` });
  }
  if (options.endpoint !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(options.endpoint);
    } catch {}
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      issues.push({ path: 'endpoint', message: `"${options.endpoint}" is not an http(s) URL` });
    }
  }
  if (issues.length > 0) throw new InputError('upload target', 'S3 uploader', issues);
}

function translate(error: unknown, target: string, key: string): Error {
  const name = awsErrorName(error);
  if (name === 'NoSuchBucket') {
    return new InputError(
      'upload target',
      target,
      [{ path: 'bucket', message: 'the bucket does not exist' }],
      {
        cause: error,
      },
    );
  }
  if (name === 'CredentialsProviderError') {
    return new SystemError(
      `no AWS credentials for ${target}: configure a profile or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY`,
      { cause: error, code: 'NO_CREDENTIALS' },
    );
  }
  if ((error as { code?: string } | null)?.code === 'ECONNREFUSED') {
    return new SystemError(`nothing listens at ${target} (is the local stack up? harnessx stack up)`, {
      cause: error,
      code: 'ENDPOINT_UNREACHABLE',
    });
  }
  return toFoundryError(error, `PutObject ${key} to ${target}`, 'S3_UPLOAD');
}

/**
 * @example
 * const uploader = createS3Uploader({ bucket: 'harnessx-artifacts', endpoint: 'http://127.0.0.1:4566' });
 * await uploader.put('traces/household/2026/01/02/run.otlp.json', text, 'application/json');
 */
export function createS3Uploader(options: S3UploaderOptions): S3Uploader {
  validate(options);
  const env = options.env ?? process.env;
  const hasCredentials = Boolean(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY);
  const client = createS3Client({
    // A plain copy: process.env itself is an exotic object the client options' schema refuses.
    env: { ...env },
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.endpoint !== undefined
      ? {
          endpoint: options.endpoint,
          // An emulator accepts any credentials; a developer without AWS ones must still reach it.
          ...(hasCredentials ? {} : { credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
        }
      : {}),
  });
  const where = options.endpoint
    ? `${options.endpoint} (bucket ${options.bucket})`
    : `s3://${options.bucket}`;
  return {
    bucket: options.bucket,
    async put(key, body, contentType) {
      const issues = findStoreKeyIssues(key);
      if (issues.length > 0) throw new InputError('object key', where, issues);
      try {
        const response = await client.send(
          new PutObjectCommand({
            Bucket: options.bucket,
            Key: key,
            Body: body,
            ...(contentType ? { ContentType: contentType } : {}),
          }),
        );
        return { key, eTag: (response.ETag ?? '').replace(/"/g, '') };
      } catch (error) {
        throw translate(error, where, key);
      }
    },
    close: () => client.destroy(),
  };
}
