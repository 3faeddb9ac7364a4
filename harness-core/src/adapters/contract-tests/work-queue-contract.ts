/**
 * The `WorkQueue` contract as a vitest suite, run unchanged against the in-process queue and SQS:
 * round trips, batches over SQS's ten, validation before anything is sent, bad bodies delivered
 * as `invalid` (never dropped), redelivery after the visibility timeout, and redrive to the DLQ.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../errors.ts';
import type { PipelineQueueName } from '../../ports/foundry-topology.ts';
import {
  MAX_MESSAGE_BYTES,
  type QueueDelivery,
  type StageMessage,
  type WorkQueue,
} from '../../ports/work-queue.ts';

/** What a factory hands the suite: a queue over fresh, empty queues (each with a DLQ). */
export interface WorkQueueContractSubject {
  queue: WorkQueue;
  /** Puts `body` on `queue` as is, unvalidated: a hand-sent or foreign message. */
  sendRaw(queue: PipelineQueueName, body: string): Promise<void>;
  /** Receives after which an unacknowledged message moves to the DLQ. */
  maxReceiveCount: number;
  /** A visibility timeout the transport honours exactly (SQS counts whole seconds). */
  visibilityTimeoutMs: number;
  dispose?(): Promise<void>;
}

export type WorkQueueContractFactory = () => Promise<WorkQueueContractSubject> | WorkQueueContractSubject;

export function evaluateMessage(index: number, cycleId = 'household-c001'): StageMessage {
  return {
    schemaVersion: 'harnessx.message/1',
    type: 'evaluate',
    project: 'household',
    cycleId,
    idempotencyKey: `${cycleId}:evaluate:shard-${index}`,
    refs: { shard: `cycles/${cycleId}/shards/shard-${index}.json` },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Receives from `queue` until `count` deliveries arrived (SQS may hand out fewer per call) or time runs out. */
async function receiveAtLeast(
  queue: WorkQueue,
  name: PipelineQueueName,
  count: number,
  visibilityTimeoutMs: number,
  timeoutMs = 5_000,
): Promise<QueueDelivery[]> {
  const deliveries: QueueDelivery[] = [];
  const deadline = Date.now() + timeoutMs;
  while (deliveries.length < count && Date.now() < deadline) {
    deliveries.push(...(await queue.receive(name, { max: 10, visibilityTimeoutMs, waitMs: 200 })));
  }
  return deliveries;
}

async function inputErrorOf(promise: Promise<unknown>): Promise<InputError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

/**
 * Declares the `WorkQueue` contract suite for one adapter. `factory` runs before every test.
 *
 * @example
 * describeWorkQueueContract('in-process', () => {
 *   const queue = createInProcessWorkQueue({ maxReceiveCount: 2 });
 *   return { queue, sendRaw: queue.sendRaw, maxReceiveCount: 2, visibilityTimeoutMs: 100 };
 * });
 */
export function describeWorkQueueContract(name: string, factory: WorkQueueContractFactory): void {
  describe(`WorkQueue contract: ${name}`, { timeout: 30_000 }, () => {
    let subject: WorkQueueContractSubject;
    let queue: WorkQueue;
    let visibility: number;
    /** Time past the visibility timeout after which a hidden message is surely visible again. */
    let slack: number;

    beforeEach(async () => {
      subject = await factory();
      queue = subject.queue;
      visibility = subject.visibilityTimeoutMs;
      slack = Math.min(300, visibility);
    });
    afterEach(async () => {
      await subject.dispose?.();
    });

    it('delivers what was sent, once acked never again', async () => {
      const messages = [0, 1, 2].map((index) => evaluateMessage(index));
      await queue.send('evaluate', messages);
      const deliveries = await receiveAtLeast(queue, 'evaluate', 3, visibility);
      expect(deliveries.map((delivery) => delivery.message).sort(byKey)).toEqual(messages);
      for (const delivery of deliveries) {
        expect(delivery.receiveCount).toBe(1);
        expect(delivery.invalid).toBeUndefined();
        expect(JSON.parse(delivery.body)).toEqual(delivery.message);
      }
      await queue.ack(
        'evaluate',
        deliveries.map((delivery) => delivery.receipt),
      );
      await sleep(visibility + slack);
      expect(await queue.receive('evaluate')).toEqual([]);
      expect(await queue.deadLetters('evaluate')).toEqual([]);
    });

    it('keeps queues apart and fills in default refs', async () => {
      const { refs: _refs, ...bare } = evaluateMessage(0);
      await queue.send('evaluate', [bare as StageMessage]);
      expect(await queue.receive('critic')).toEqual([]);
      const [delivery] = await receiveAtLeast(queue, 'evaluate', 1, visibility);
      expect(delivery?.message?.refs).toEqual({});
    });

    it('sends batches larger than ten and acks them in one call', async () => {
      const messages = Array.from({ length: 25 }, (_, index) => evaluateMessage(index));
      await queue.send('evaluate', messages);
      const deliveries = await receiveAtLeast(queue, 'evaluate', 25, 10_000);
      expect(deliveries).toHaveLength(25);
      expect(new Set(deliveries.map((delivery) => delivery.message?.idempotencyKey)).size).toBe(25);
      await queue.ack(
        'evaluate',
        deliveries.map((delivery) => delivery.receipt),
      );
      await queue.ack('evaluate', []);
      expect(await queue.receive('evaluate')).toEqual([]);
    });

    it('refuses an invalid envelope with an InputError naming it, and sends none of the batch', async () => {
      const bad = { ...evaluateMessage(1), cycleId: 'Not A Cycle' };
      const error = await inputErrorOf(queue.send('evaluate', [evaluateMessage(0), bad]));
      expect(error.issues.map((issue) => issue.path)).toContain('[1].cycleId');
      const polluted = JSON.parse('{"__proto__":{"x":1}}') as Record<string, unknown>;
      await inputErrorOf(queue.send('evaluate', [{ ...evaluateMessage(2), ...polluted } as StageMessage]));
      await inputErrorOf(queue.send('evaluate', [{ ...evaluateMessage(3), extra: 1 } as StageMessage]));
      await inputErrorOf(queue.send('evaluate', 'not an array' as unknown as StageMessage[]));
      expect(await queue.receive('evaluate')).toEqual([]);
    });

    it('refuses a message on the wrong queue, and unknown queues and options', async () => {
      const misrouted = await inputErrorOf(queue.send('critic', [evaluateMessage(0)]));
      expect(misrouted.message).toContain('"evaluate" queue');
      await inputErrorOf(queue.send('nowhere' as PipelineQueueName, [evaluateMessage(0)]));
      await inputErrorOf(queue.receive('nowhere' as PipelineQueueName));
      await inputErrorOf(queue.receive('evaluate', { max: 0 }));
      await inputErrorOf(queue.receive('evaluate', { max: 11 }));
      await inputErrorOf(queue.receive('evaluate', { visibilityTimeoutMs: -1 }));
      await inputErrorOf(queue.ack('evaluate', [42 as unknown as string]));
      expect(await queue.receive('critic')).toEqual([]);
    });

    it('refuses an oversize envelope, pointing at the artifact store', async () => {
      const refs = Object.fromEntries(
        Array.from({ length: 40 }, (_, index) => [`ref${index}`, `cycles/c1/${'x'.repeat(500)}-${index}`]),
      );
      const big = { ...evaluateMessage(0), refs };
      expect(Buffer.byteLength(JSON.stringify(big))).toBeGreaterThan(MAX_MESSAGE_BYTES);
      const error = await inputErrorOf(queue.send('evaluate', [evaluateMessage(1), big]));
      expect(error.message).toContain('artifact store');
      expect(error.issues[0]?.path).toBe('[1]');
      expect(await queue.receive('evaluate')).toEqual([]);
    });

    it('delivers a body that is not an envelope as invalid, with the reason, and lets it be acked', async () => {
      await subject.sendRaw('plan', 'not json at all');
      await subject.sendRaw(
        'plan',
        JSON.stringify({ ...evaluateMessage(0), schemaVersion: 'harnessx.message/9' }),
      );
      const deliveries = await receiveAtLeast(queue, 'plan', 2, visibility);
      expect(deliveries.map((delivery) => delivery.body).sort()).toEqual(
        [
          JSON.stringify({ ...evaluateMessage(0), schemaVersion: 'harnessx.message/9' }),
          'not json at all',
        ].sort(),
      );
      for (const delivery of deliveries) {
        expect(delivery.message).toBeUndefined();
        expect(delivery.invalid).toBeInstanceOf(InputError);
      }
      const reasons = deliveries.flatMap(
        (delivery) => delivery.invalid?.issues.map((issue) => issue.path) ?? [],
      );
      expect(reasons).toContain('schemaVersion');
      expect(deliveries.some((delivery) => delivery.invalid?.message.includes('not valid JSON'))).toBe(true);
      await queue.ack(
        'plan',
        deliveries.map((delivery) => delivery.receipt),
      );
      await sleep(visibility + slack);
      expect(await queue.receive('plan')).toEqual([]);
    });

    it('hides a received message for the visibility timeout, then redelivers it with receiveCount 2', async () => {
      await queue.send('evaluate', [evaluateMessage(7)]);
      const [first] = await receiveAtLeast(queue, 'evaluate', 1, visibility);
      expect(first?.receiveCount).toBe(1);
      expect(await queue.receive('evaluate', { visibilityTimeoutMs: visibility })).toEqual([]);
      await sleep(visibility + slack);
      const [second] = await receiveAtLeast(queue, 'evaluate', 1, visibility);
      expect(second?.message).toEqual(evaluateMessage(7));
      expect(second?.receiveCount).toBe(2);
      await queue.ack('evaluate', [second!.receipt]);
      await sleep(visibility + slack);
      expect(await queue.receive('evaluate')).toEqual([]);
    });

    it('moves a message received maxReceiveCount times to the DLQ, and reading the DLQ keeps it there', async () => {
      await queue.send('critic', [
        { ...evaluateMessage(3), type: 'critic', idempotencyKey: 'household-c001:critic' },
      ]);
      for (let receive = 1; receive <= subject.maxReceiveCount; receive++) {
        const [delivery] = await receiveAtLeast(queue, 'critic', 1, visibility);
        expect(delivery?.receiveCount).toBe(receive);
        await sleep(visibility + slack);
      }
      expect(await queue.receive('critic')).toEqual([]);
      const letters = await queue.deadLetters('critic');
      expect(letters).toHaveLength(1);
      expect(JSON.parse(letters[0]!.body)).toMatchObject({
        type: 'critic',
        idempotencyKey: 'household-c001:critic',
      });
      expect(letters[0]!.receiveCount).toBeGreaterThanOrEqual(subject.maxReceiveCount);
      expect((await queue.deadLetters('critic')).map((letter) => letter.body)).toEqual([letters[0]!.body]);
      expect(await queue.deadLetters('evaluate')).toEqual([]);
    });
  });
}

function byKey(left: StageMessage | undefined, right: StageMessage | undefined): number {
  const a = left?.idempotencyKey ?? '';
  const b = right?.idempotencyKey ?? '';
  return a < b ? -1 : a > b ? 1 : 0;
}
