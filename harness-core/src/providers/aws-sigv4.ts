/**
 * AWS Signature Version 4 for request headers, with node:crypto only: the provider layer must
 * not depend on the AWS SDK (only `adapters/aws` may), and Bedrock needs just this one signer.
 * Follows the non-S3 rules: the path is normalised and each segment URI-encoded again.
 */
import { createHash, createHmac } from 'node:crypto';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AwsSignRequestInput {
  method: string;
  url: string | URL;
  /** Headers to send and sign (names in any case). `host` and `x-amz-date` are added. */
  headers?: Record<string, string>;
  body?: string;
  service: string;
  region: string;
  credentials: AwsCredentials;
  /** Signing time; default now. */
  date?: Date;
  /** Adds and signs `x-amz-content-sha256` (S3 requires it; harmless elsewhere). Default false. */
  includeContentSha256Header?: boolean;
}

export interface AwsSignedRequest {
  /** Every header to send, lower-case names, `authorization` included. */
  headers: Record<string, string>;
  signature: string;
  /** Intermediate values, exposed so tests can compare them with published vectors. */
  canonicalRequest: string;
  stringToSign: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';

/**
 * Signs a request. Pure apart from reading the clock when no `date` is given.
 * @example
 * const { headers } = signAwsRequest({ method: 'POST', url, body, service: 'bedrock', region: 'us-east-1', credentials });
 * await fetch(url, { method: 'POST', headers, body });
 */
export function signAwsRequest(input: AwsSignRequestInput): AwsSignedRequest {
  const url = typeof input.url === 'string' ? new URL(input.url) : input.url;
  const body = input.body ?? '';
  const amzDate = formatAmzDate(input.date ?? new Date());
  const dateStamp = amzDate.slice(0, 8);
  const payloadHash = sha256Hex(body);

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers ?? {})) headers[name.toLowerCase()] = value;
  headers['host'] = url.host;
  headers['x-amz-date'] = amzDate;
  if (input.includeContentSha256Header) headers['x-amz-content-sha256'] = payloadHash;
  if (input.credentials.sessionToken !== undefined)
    headers['x-amz-security-token'] = input.credentials.sessionToken;

  const signedNames = Object.keys(headers).sort();
  const canonicalHeaders = signedNames
    .map((name) => `${name}:${canonicalHeaderValue(headers[name]!)}\n`)
    .join('');
  const signedHeaders = signedNames.join(';');
  const canonicalRequest = [
    input.method.toUpperCase(),
    canonicalPath(url.pathname),
    canonicalQuery(url.searchParams),
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join('\n');

  const scope = `${dateStamp}/${input.region}/${input.service}/aws4_request`;
  const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = deriveSigningKey(
    input.credentials.secretAccessKey,
    dateStamp,
    input.region,
    input.service,
  );
  const signature = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');

  headers['authorization'] =
    `${ALGORITHM} Credential=${input.credentials.accessKeyId}/${scope}, ` +
    `SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { headers, signature, canonicalRequest, stringToSign };
}

/** `YYYYMMDDTHHMMSSZ` in UTC. */
export function formatAmzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

export function deriveSigningKey(
  secretAccessKey: string,
  dateStamp: string,
  region: string,
  service: string,
): Buffer {
  const kDate = createHmac('sha256', `AWS4${secretAccessKey}`).update(dateStamp, 'utf8').digest();
  const kRegion = createHmac('sha256', kDate).update(region, 'utf8').digest();
  const kService = createHmac('sha256', kRegion).update(service, 'utf8').digest();
  return createHmac('sha256', kService).update('aws4_request', 'utf8').digest();
}

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters, upper-case hex. */
export function awsUriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

// `pathname` is already percent-encoded once by URL; non-S3 services sign it encoded once more
// (so a model id `a:b`, sent as `a%3Ab`, is signed as `a%253Ab`), after removing empty segments.
function canonicalPath(pathname: string): string {
  const segments = pathname.split('/').filter((segment) => segment !== '');
  const trailingSlash = pathname.endsWith('/') && segments.length > 0;
  const joined = segments.map(awsUriEncode).join('/');
  return `/${joined}${trailingSlash ? '/' : ''}`;
}

function canonicalQuery(params: URLSearchParams): string {
  const pairs: Array<[string, string]> = [];
  for (const [key, value] of params) pairs.push([awsUriEncode(key), awsUriEncode(value)]);
  pairs.sort(([keyA, valueA], [keyB, valueB]) =>
    keyA < keyB ? -1 : keyA > keyB ? 1 : valueA < valueB ? -1 : valueA > valueB ? 1 : 0,
  );
  return pairs.map(([key, value]) => `${key}=${value}`).join('&');
}

function canonicalHeaderValue(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
