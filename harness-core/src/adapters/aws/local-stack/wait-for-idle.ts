/**
 * "Nothing left to do" for the local stack: every stage queue empty (no visible, in-flight or
 * delayed message) and nothing running in-process (invocations, notifications being sent), held
 * for a settle period, since a handler that just finished may have sent the next stage's message.
 * Dead-letter queues are not work: a message there stays until someone looks at it.
 */
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { SystemError } from '../../../errors.ts';

export interface QueueDepth {
  visible: number;
  inFlight: number;
  delayed: number;
}

const DEPTH_ATTRIBUTES = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
] as const;

export async function readQueueDepth(sqs: SQSClient, queueUrl: string): Promise<QueueDepth> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: [...DEPTH_ATTRIBUTES] }),
  );
  const count = (name: (typeof DEPTH_ATTRIBUTES)[number]) => Number(Attributes[name] ?? 0) || 0;
  return {
    visible: count('ApproximateNumberOfMessages'),
    inFlight: count('ApproximateNumberOfMessagesNotVisible'),
    delayed: count('ApproximateNumberOfMessagesDelayed'),
  };
}

export interface WaitForIdleOptions {
  sqs: SQSClient;
  /** The work queues, by a name used in the timeout message. */
  queueUrls: Readonly<Record<string, string>>;
  /** In-process work not visible on any queue (running invocations, pending notifications). */
  busy: () => number;
  timeoutMs: number;
  /** How long everything must stay idle (default 300 ms). */
  settleMs?: number;
  pollMs?: number;
}

/** Resolves when the stack is idle; throws `SystemError` naming what is still busy at the timeout. */
export async function waitForIdle(options: WaitForIdleOptions): Promise<void> {
  const settleMs = options.settleMs ?? 300;
  const pollMs = options.pollMs ?? 100;
  const deadline = Date.now() + options.timeoutMs;
  let idleSince: number | undefined;
  let lastBusy: string[] = [];
  while (Date.now() < deadline) {
    lastBusy = [];
    const running = options.busy();
    if (running > 0) lastBusy.push(`${running} invocation(s) or notification(s) running`);
    const depths = await Promise.all(
      Object.entries(options.queueUrls).map(async ([name, url]) => ({
        name,
        depth: await readQueueDepth(options.sqs, url),
      })),
    );
    for (const { name, depth } of depths) {
      const total = depth.visible + depth.inFlight + depth.delayed;
      if (total > 0)
        lastBusy.push(
          `${name}: ${depth.visible} visible, ${depth.inFlight} in flight, ${depth.delayed} delayed`,
        );
    }
    if (lastBusy.length === 0) {
      idleSince ??= Date.now();
      if (Date.now() - idleSince >= settleMs) return;
    } else idleSince = undefined;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  throw new SystemError(
    `the local stack was not idle after ${options.timeoutMs} ms: ${lastBusy.join('; ')}`,
    {
      code: 'STACK_NOT_IDLE',
    },
  );
}
