import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.ts';
import { parseS3EventNotification } from './s3-event.ts';

const record = (key: string, extra: Record<string, unknown> = {}) => ({
  eventVersion: '2.1',
  eventSource: 'aws:s3',
  eventName: 'ObjectCreated:Put',
  s3: { bucket: { name: 'artifacts' }, object: { key, size: 12, ...extra } },
});

describe('S3 event notifications', () => {
  it('decodes keys the way S3 encodes them (+ for spaces, %XX escapes)', () => {
    const body = JSON.stringify({ Records: [record('traces/household/agent+1/run%3D7.json')] });
    expect(parseS3EventNotification(body)).toEqual([
      {
        bucket: 'artifacts',
        key: 'traces/household/agent 1/run=7.json',
        size: 12,
        eventName: 'ObjectCreated:Put',
      },
    ]);
  });

  it('reads the test event S3 sends when notifications are configured as carrying no object', () => {
    expect(parseS3EventNotification(JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent' }))).toEqual(
      [],
    );
  });

  it.each([
    ['not JSON', '{"Records": ['],
    ['no records', JSON.stringify({ Records: [] })],
    ['a wrong event source', JSON.stringify({ Records: [{ ...record('k'), eventSource: 'aws:sqs' }] })],
    ['a future event version', JSON.stringify({ Records: [{ ...record('k'), eventVersion: '3.0' }] })],
    ['a broken escape', JSON.stringify({ Records: [record('traces/%E0%A4%A')] })],
    ['a prototype-pollution key', '{"Records":[],"__proto__":{"x":1}}'],
  ])('refuses %s with an InputError naming the source', (_label, body) => {
    const error = (() => {
      try {
        parseS3EventNotification(body, 'sqs:message-7');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain('sqs:message-7');
  });

  it('names the bad field of a malformed record', () => {
    const body = JSON.stringify({ Records: [{ ...record('k'), s3: { bucket: { name: 'b' }, object: {} } }] });
    expect(() => parseS3EventNotification(body)).toThrow(
      /Records\.0\.s3\.object\.key|Records\[0\]\.s3\.object\.key/,
    );
  });
});
