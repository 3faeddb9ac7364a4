import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseS3EventNotification } from '../../../aegis/distributed/s3-event.ts';
import { InputError, SystemError } from '../../../errors.ts';
import { bundleFunctions, findBundles } from './bundle-functions.ts';
import { encodeS3EventKey, s3EventNotificationBody, startNotificationBridge } from './notification-bridge.ts';
import { localResourceNames } from './provision.ts';
import { readStackState } from './stack-state.ts';

describe('S3 event notifications from the bridge', () => {
  it.each([
    ['traces/p/a.json', 'traces/p/a.json'],
    ['traces/agent 1/run-7.jsonl', 'traces/agent+1/run-7.jsonl'],
    ['traces/p/a+b (1).json', 'traces/p/a%2Bb+%281%29.json'],
    ['traces/p/ünï.json', 'traces/p/%C3%BCn%C3%AF.json'],
  ])('encodes %s as S3 does, and the core parser decodes it back', (key, encoded) => {
    expect(encodeS3EventKey(key)).toBe(encoded);
    const body = s3EventNotificationBody({
      bucket: 'b-1',
      key,
      size: 12,
      eTag: '"abc"',
      eventName: 'ObjectCreated:Put',
      sequencer: '01',
    });
    expect(parseS3EventNotification(body, 'test')).toEqual([
      { bucket: 'b-1', key, size: 12, eventName: 'ObjectCreated:Put' },
    ]);
    expect(JSON.parse(body).Records[0].s3.object.eTag).toBe('abc');
  });

  it('refuses a spy it cannot wrap', () => {
    expect(() =>
      startNotificationBridge({
        spy: {},
        s3: {} as never,
        sqs: {} as never,
        bucket: 'b',
        prefix: 'traces/',
        queueUrl: 'http://q',
      }),
    ).toThrow(/messageSpies/);
  });

  it('restores the spy on stop', () => {
    const seen: unknown[] = [];
    class SpyDouble {
      addMessage(message: unknown) {
        seen.push(message);
      }
    }
    const spy = new SpyDouble();
    const bridge = startNotificationBridge({
      spy,
      s3: {} as never,
      sqs: {} as never,
      bucket: 'b',
      prefix: 'traces/',
      queueUrl: 'http://q',
    });
    expect(Object.hasOwn(spy, 'addMessage')).toBe(true);
    spy.addMessage({ service: 's3', bucket: 'other', key: 'traces/x', status: 'uploaded' });
    expect(bridge.pending()).toBe(0);
    bridge.stop();
    expect(Object.hasOwn(spy, 'addMessage')).toBe(false);
    expect(seen).toHaveLength(1);
  });
});

describe('resource names and selections', () => {
  it('derives every name from one prefix, refusing a bad one', () => {
    const names = localResourceNames('hx-a');
    expect([
      names.bucket,
      names.queue('digest'),
      names.deadLetterQueue('digest'),
      names.table('registry'),
    ]).toEqual(['hx-a-artifacts', 'hx-a-digest', 'hx-a-digest-dlq', 'hx-a-registry']);
    expect(() => localResourceNames('Bad Prefix')).toThrow(InputError);
  });

  it('refuses to bundle an unknown function, and names a missing bundle', async () => {
    await expect(bundleFunctions({ repoRoot: '/nowhere', only: ['nope'] })).rejects.toThrow(
      /unknown function/,
    );
    const dir = await mkdtemp(join(tmpdir(), 'hx-bundles-'));
    try {
      const error = await findBundles({ repoRoot: '/nowhere', outDir: dir, only: ['plan'] }).catch((e) => e);
      expect(error).toBeInstanceOf(SystemError);
      expect(error.message).toContain(join(dir, 'plan', 'index.mjs'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('stack state file', () => {
  it('is absent when there is none, and a clear InputError when it is not valid', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hx-state-'));
    try {
      expect(await readStackState(dir)).toBeUndefined();
      await writeFile(join(dir, 'stack.json'), 'not json');
      await expect(readStackState(dir)).rejects.toThrow(/invalid local stack state .*not valid JSON/s);
      await writeFile(
        join(dir, 'stack.json'),
        JSON.stringify({ schemaVersion: 'harnessx.stack-state/1', pid: 1 }),
      );
      await expect(readStackState(dir)).rejects.toThrow(/endpoints/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
