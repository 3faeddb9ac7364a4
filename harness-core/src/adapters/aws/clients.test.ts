import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.ts';
import { createS3Client, resolveClientConfig } from './clients.ts';

describe('resolveClientConfig', () => {
  it('uses the SDK chain when nothing is set, with the region from AWS_REGION or us-east-1', () => {
    expect(resolveClientConfig('s3', { env: {} })).toEqual({ region: 'us-east-1' });
    expect(resolveClientConfig('sqs', { env: { AWS_REGION: 'eu-central-1' } })).toEqual({
      region: 'eu-central-1',
    });
  });

  it('takes the per-service endpoint variable, and an explicit endpoint over it', () => {
    const env = {
      AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:4566',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:4567',
    };
    expect(resolveClientConfig('sqs', { env }).endpoint).toBe('http://127.0.0.1:4566');
    expect(resolveClientConfig('dynamodb', { env }).endpoint).toBe('http://127.0.0.1:4567');
    expect(resolveClientConfig('s3', { env }).endpoint).toBeUndefined();
    expect(resolveClientConfig('sqs', { env, endpoint: 'http://localhost:9' }).endpoint).toBe(
      'http://localhost:9',
    );
  });

  it('refuses a bad endpoint, region or credentials with an InputError', () => {
    expect(() => resolveClientConfig('s3', { env: { AWS_ENDPOINT_URL_S3: 'nonsense' } })).toThrow(InputError);
    expect(() => resolveClientConfig('s3', { endpoint: 'ftp://x' })).toThrow(InputError);
    expect(() => resolveClientConfig('s3', { region: 'moon' })).toThrow(InputError);
    expect(() =>
      resolveClientConfig('s3', { credentials: { accessKeyId: '', secretAccessKey: 'x' } }),
    ).toThrow(InputError);
  });

  it('switches S3 to path-style addressing only when the endpoint is overridden', async () => {
    const local = createS3Client({ endpoint: 'http://127.0.0.1:4566', env: {} });
    const aws = createS3Client({ env: {} });
    expect(local.config.forcePathStyle).toBe(true);
    expect(aws.config.forcePathStyle).toBe(false);
    expect(await local.config.region()).toBe('us-east-1');
    local.destroy();
    aws.destroy();
  });
});
