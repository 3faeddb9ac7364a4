/**
 * The S3 → SQS notification the deployed bucket has, for the local stack: fauxqs accepts a bucket
 * notification configuration but never delivers it, so the bridge watches fauxqs's message spy for
 * objects created under the trace prefix and sends the event S3 itself would send (`eventVersion`
 * 2.1, URL-encoded key with `+` for spaces, size, eTag) to the ingest queue.
 */
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { SystemError } from '../../../errors.ts';
import { LOCAL_REGION } from './local-clients.ts';

/** What the bridge needs of fauxqs's spy: the method its stores call for every S3 event. */
export interface S3SpySource {
  addMessage(message: unknown): void;
}

export interface NotificationBridgeOptions {
  /** fauxqs's `server.spy` (its runtime object records through `addMessage`). */
  spy: unknown;
  s3: S3Client;
  sqs: SQSClient;
  bucket: string;
  /** Only objects whose key starts with this prefix are announced. */
  prefix: string;
  queueUrl: string;
  log?: (line: string) => void;
}

export interface NotificationBridge {
  /** Notifications being sent now. */
  pending(): number;
  /** Notifications sent so far, and those that could not be sent (each logged with its reason). */
  counts(): { sent: number; failed: number };
  /** Resolves once every notification started so far has been sent (or has failed). */
  flush(): Promise<void>;
  /** Stops watching; notifications already started still finish. */
  stop(): void;
}

interface S3SpyEvent {
  service: 's3';
  bucket: string;
  key: string;
  status: 'uploaded' | 'copied' | 'downloaded' | 'deleted';
}

function isS3SpyEvent(message: unknown): message is S3SpyEvent {
  const value = message as Partial<S3SpyEvent> | null;
  return (
    typeof value === 'object' &&
    value !== null &&
    value.service === 's3' &&
    typeof value.bucket === 'string' &&
    typeof value.key === 'string'
  );
}

/** Encodes a key the way S3 event notifications do: form encoding with `+` for spaces, `/` kept. */
export function encodeS3EventKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+')
    .replace(/%2F/g, '/');
}

export interface S3EventRecordInput {
  bucket: string;
  key: string;
  size: number;
  eTag: string;
  eventName: string;
  sequencer: string;
  eventTime?: Date;
}

/** One S3 event notification body, as S3 sends it to SQS. */
export function s3EventNotificationBody(input: S3EventRecordInput): string {
  return JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: LOCAL_REGION,
        eventTime: (input.eventTime ?? new Date()).toISOString(),
        eventName: input.eventName,
        userIdentity: { principalId: 'AWS:local-stack' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': input.sequencer, 'x-amz-id-2': 'local-stack' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'harnessx-trace-notification',
          bucket: {
            name: input.bucket,
            ownerIdentity: { principalId: 'local-stack' },
            arn: `arn:aws:s3:::${input.bucket}`,
          },
          object: {
            key: encodeS3EventKey(input.key),
            size: input.size,
            eTag: input.eTag.replace(/"/g, ''),
            sequencer: input.sequencer,
          },
        },
      },
    ],
  });
}

/**
 * @example
 * const bridge = startNotificationBridge({ spy: fauxqs.spy, s3, sqs, bucket, prefix: 'traces/', queueUrl });
 * // PutObject traces/p/2026/01/02/a.json → an ObjectCreated:Put event on queueUrl
 */
export function startNotificationBridge(options: NotificationBridgeOptions): NotificationBridge {
  const source = options.spy as Partial<S3SpySource> | null;
  if (typeof source?.addMessage !== 'function') {
    throw new SystemError('the fauxqs spy has no addMessage method: start fauxqs with messageSpies: true');
  }
  const spy = source as S3SpySource;
  const original = spy.addMessage;
  const hadOwnMethod = Object.hasOwn(spy, 'addMessage');
  const inFlight = new Set<Promise<void>>();
  const counts = { sent: 0, failed: 0 };
  let sequence = 0;
  let stopped = false;

  const announce = async (event: S3SpyEvent, sequencer: string): Promise<void> => {
    try {
      const head = await options.s3.send(new HeadObjectCommand({ Bucket: event.bucket, Key: event.key }));
      const body = s3EventNotificationBody({
        bucket: event.bucket,
        key: event.key,
        size: head.ContentLength ?? 0,
        eTag: head.ETag ?? '',
        eventName: event.status === 'copied' ? 'ObjectCreated:Copy' : 'ObjectCreated:Put',
        sequencer,
      });
      await options.sqs.send(new SendMessageCommand({ QueueUrl: options.queueUrl, MessageBody: body }));
      counts.sent += 1;
    } catch (error) {
      counts.failed += 1;
      options.log?.(`notification for s3://${event.bucket}/${event.key} failed: ${(error as Error).message}`);
    }
  };

  spy.addMessage = function addMessage(this: unknown, message: unknown): void {
    original.call(this, message);
    if (stopped || !isS3SpyEvent(message)) return;
    if (message.status !== 'uploaded' && message.status !== 'copied') return;
    if (message.bucket !== options.bucket || !message.key.startsWith(options.prefix)) return;
    sequence += 1;
    const task = announce(message, sequence.toString(16).toUpperCase().padStart(16, '0'));
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
  };

  return {
    pending: () => inFlight.size,
    counts: () => ({ ...counts }),
    async flush() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    stop() {
      stopped = true;
      if (hadOwnMethod) spy.addMessage = original;
      else delete (spy as Partial<S3SpySource>).addMessage;
    },
  };
}
