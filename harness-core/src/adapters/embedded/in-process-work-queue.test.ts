import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.ts';
import { describeWorkQueueContract, evaluateMessage } from '../contract-tests/index.ts';
import { createInProcessWorkQueue } from './in-process-work-queue.ts';

describeWorkQueueContract('in-process', () => {
  const queue = createInProcessWorkQueue({ maxReceiveCount: 2 });
  return { queue, sendRaw: queue.sendRaw, maxReceiveCount: 2, visibilityTimeoutMs: 100 };
});

describe('createInProcessWorkQueue', () => {
  it('redrives after three receives by default and records the receive count', async () => {
    const queue = createInProcessWorkQueue();
    await queue.send('evaluate', [evaluateMessage(0)]);
    for (let receive = 1; receive <= 3; receive++) {
      const [delivery] = await queue.receive('evaluate', { visibilityTimeoutMs: 0 });
      expect(delivery?.receiveCount).toBe(receive);
    }
    expect(await queue.receive('evaluate', { visibilityTimeoutMs: 0 })).toEqual([]);
    expect(await queue.deadLetters('evaluate')).toEqual([
      { body: JSON.stringify(evaluateMessage(0)), receiveCount: 3 },
    ]);
  });

  it('returns at most max messages, oldest first, and long-polls for one sent meanwhile', async () => {
    const queue = createInProcessWorkQueue();
    await queue.send(
      'evaluate',
      Array.from({ length: 4 }, (_, index) => evaluateMessage(index)),
    );
    const first = await queue.receive('evaluate', { max: 3 });
    expect(first.map((delivery) => delivery.message?.idempotencyKey)).toEqual(
      [0, 1, 2].map((index) => evaluateMessage(index).idempotencyKey),
    );
    await queue.receive('evaluate', { max: 10 });
    const started = Date.now();
    setTimeout(() => void queue.send('evaluate', [evaluateMessage(9)]), 80);
    const [late] = await queue.receive('evaluate', { waitMs: 2_000 });
    expect(late?.message).toEqual(evaluateMessage(9));
    expect(Date.now() - started).toBeLessThan(1_000);
    const emptyStarted = Date.now();
    expect(await queue.receive('evaluate', { waitMs: 150 })).toEqual([]);
    expect(Date.now() - emptyStarted).toBeGreaterThanOrEqual(140);
  });

  it('acks with a receipt from an earlier delivery, and ignores unknown receipts', async () => {
    const queue = createInProcessWorkQueue();
    await queue.send('evaluate', [evaluateMessage(0)]);
    const [first] = await queue.receive('evaluate', { visibilityTimeoutMs: 0 });
    const [second] = await queue.receive('evaluate', { visibilityTimeoutMs: 0 });
    expect(second?.receiveCount).toBe(2);
    await queue.ack('evaluate', ['no-such-receipt']);
    await queue.ack('critic', [first!.receipt]);
    expect(await queue.receive('evaluate', { visibilityTimeoutMs: 0 })).toHaveLength(1);
    await queue.ack('evaluate', [first!.receipt]);
    expect(await queue.receive('evaluate')).toEqual([]);
  });

  it('refuses bad options', () => {
    expect(() => createInProcessWorkQueue({ maxReceiveCount: 0 })).toThrow(InputError);
    expect(() => createInProcessWorkQueue({ other: 1 } as never)).toThrow(InputError);
  });
});
