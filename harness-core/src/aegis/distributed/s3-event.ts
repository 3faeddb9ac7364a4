/**
 * S3 event notifications as SQS bodies (`eventVersion` 2.x), parsed with a schema: the keys arrive
 * URL-encoded with `+` for spaces, exactly as S3 sends them. The `s3:TestEvent` S3 sends when a
 * notification is configured carries no records.
 */
import { z } from 'zod';
import { InputError } from '../../errors.ts';
import { findForbiddenKeys, parseJsonText, parseWith } from '../../schema.ts';

export interface S3ObjectRef {
  bucket: string;
  /** The decoded key. */
  key: string;
  size: number;
  eventName: string;
}

const recordSchema = z.object({
  eventVersion: z.string().regex(/^2\.\d+$/, 'expected an S3 event version 2.x'),
  eventSource: z.literal('aws:s3'),
  eventName: z.string().min(1),
  s3: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({ key: z.string().min(1), size: z.number().int().nonnegative().optional() }),
  }),
});

const recordsSchema = z.object({ Records: z.array(recordSchema).min(1) });
const testEventSchema = z.object({ Event: z.literal('s3:TestEvent'), Service: z.literal('Amazon S3') });

function decodeKey(raw: string, source: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    throw new InputError('S3 event notification', source, [
      { path: 's3.object.key', message: `not a URL-encoded key: ${JSON.stringify(raw.slice(0, 120))}` },
    ]);
  }
}

/** The objects an S3 notification body names (none for a test event); `InputError` on anything else. */
export function parseS3EventNotification(body: string, source = 'S3 event notification'): S3ObjectRef[] {
  const value = parseJsonText(body, 'S3 event notification', source);
  const forbidden = findForbiddenKeys(value);
  if (forbidden.length > 0) throw new InputError('S3 event notification', source, forbidden);
  // Told apart before parsing, so an error names the bad field rather than "no union member matched".
  const isTestEvent =
    typeof value === 'object' && value !== null && 'Event' in value && !('Records' in value);
  if (isTestEvent) {
    parseWith(testEventSchema, value, 'S3 event notification', source);
    return [];
  }
  const parsed = parseWith(recordsSchema, value, 'S3 event notification', source);
  return parsed.Records.map((record) => ({
    bucket: record.s3.bucket.name,
    key: decodeKey(record.s3.object.key, source),
    size: record.s3.object.size ?? 0,
    eventName: record.eventName,
  }));
}
