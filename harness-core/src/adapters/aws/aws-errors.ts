/**
 * How an AWS SDK failure maps onto the foundry's errors: throttling, 5xx and dropped connections are
 * `TransientError` (the caller may retry, e.g. by leaving a queue message unacknowledged); anything
 * else is a `SystemError` (configuration, permissions, a missing resource).
 */
import { HarnessError, SystemError, TransientError } from '../../errors.ts';

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'SlowDown',
  'LimitExceededException',
  'TransactionInProgressException',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalError',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
]);

const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED']);

/** The SDK's error name (`NoSuchKey`, `ConditionalCheckFailedException`, …), or undefined. */
export function awsErrorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const name = (error as { name?: unknown }).name;
  return typeof name === 'string' ? name : undefined;
}

/** The HTTP status of the failed response, when there was one. */
export function awsHttpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

function isTransient(error: unknown): boolean {
  const name = awsErrorName(error);
  if (name !== undefined && THROTTLING.has(name)) return true;
  const status = awsHttpStatus(error);
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NETWORK.has(code);
}

/**
 * Wraps an SDK failure while doing `what` (e.g. `PutObject s3://bucket/key`). Foundry errors pass
 * through unchanged.
 */
export function toFoundryError(error: unknown, what: string, code: string): HarnessError {
  if (error instanceof HarnessError) return error;
  const name = awsErrorName(error) ?? 'Error';
  const detail = `${what} failed: ${name}: ${(error as Error | undefined)?.message ?? String(error)}`;
  if (isTransient(error)) return new TransientError(detail, { cause: error, code: `${code}_UNAVAILABLE` });
  return new SystemError(detail, { cause: error, code });
}
