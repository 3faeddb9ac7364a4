/**
 * What Lambda hands an SQS-triggered function: the `SQSEvent` its event source mapping builds from
 * received messages, and the invocation `Context`. Shaped field by field like the real ones, so a
 * handler (middy, Powertools batch and idempotency) cannot tell the local stack from Lambda.
 */
import { randomUUID } from 'node:crypto';
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { Context, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { SystemError } from '../../../errors.ts';
import type { PipelineStageDefinition } from '../../../ports/foundry-topology.ts';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './local-clients.ts';

function base64(bytes: Uint8Array | undefined): string | undefined {
  return bytes === undefined ? undefined : Buffer.from(bytes).toString('base64');
}

function toRecordAttributes(attributes: Record<string, MessageAttributeValue> | undefined) {
  const out: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    out[name] = {
      dataType: value.DataType ?? 'String',
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { binaryValue: base64(value.BinaryValue) } : {}),
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((item) => base64(item) ?? ''),
    };
  }
  return out;
}

/** One received SQS message as the record Lambda's SQS event source passes to the function. */
export function toSqsRecord(message: Message, queueArn: string): SQSRecord {
  const { MessageId, ReceiptHandle, Body, MD5OfBody } = message;
  if (!MessageId || !ReceiptHandle || Body === undefined || !MD5OfBody) {
    throw new SystemError(
      `ReceiveMessage returned a message without id, receipt, body or MD5 (${MessageId})`,
    );
  }
  const system = message.Attributes ?? {};
  const now = String(Date.now());
  return {
    messageId: MessageId,
    receiptHandle: ReceiptHandle,
    body: Body,
    attributes: {
      ...system,
      ApproximateReceiveCount: system.ApproximateReceiveCount ?? '1',
      SentTimestamp: system.SentTimestamp ?? now,
      SenderId: system.SenderId ?? LOCAL_ACCOUNT_ID,
      ApproximateFirstReceiveTimestamp: system.ApproximateFirstReceiveTimestamp ?? now,
    },
    messageAttributes: toRecordAttributes(message.MessageAttributes),
    md5OfBody: MD5OfBody,
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: LOCAL_REGION,
  };
}

/** The invocation context of one call of `stage`'s function, with its deadline `deadlineMs` (epoch ms). */
export function createLambdaContext(stage: PipelineStageDefinition, deadlineMs: number): Context {
  const { functionName } = stage;
  const awsRequestId = randomUUID();
  const unsupported = (name: string) => () => {
    throw new SystemError(`context.${name} is not supported by the local stack; return a value instead`);
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: String(stage.memoryMb),
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${awsRequestId.replace(/-/g, '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
}
