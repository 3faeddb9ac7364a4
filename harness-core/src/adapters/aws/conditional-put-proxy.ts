/**
 * A test double for S3's conditional PUT. The emulators accept `If-None-Match: *` and ignore it;
 * this loopback proxy sits in front of one (fauxqs) and enforces the precondition the way S3
 * does — a PUT with `If-None-Match: *` on an existing key gets `412 PreconditionFailed` with S3's
 * XML error body — and forwards everything else untouched. Conditional PUTs to the same key are
 * decided one at a time, so concurrent writers see S3's atomic outcome: exactly one succeeds.
 */
import { randomUUID } from 'node:crypto';
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { parseWith } from '../../schema.ts';
import { createKeyedSerial } from './keyed-serial.ts';

export interface ConditionalPutProxy {
  /** Point an S3 client here (path-style) instead of at the upstream. */
  endpoint: string;
  /** How many PUTs this proxy refused with 412 so far. */
  readonly preconditionFailures: number;
  stop(): Promise<void>;
}

interface Upstream {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Connection-level headers; bodies are buffered whole here, so lengths are set afresh. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'expect', 'content-length']);

function endToEnd(headers: IncomingMessage['headers']): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) kept[name] = value;
  }
  return kept;
}

const readBody = (stream: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });

function preconditionFailedBody(path: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code>' +
    '<Message>At least one of the pre-conditions you specified did not hold</Message>' +
    `<Condition>If-None-Match</Condition><Resource>${escapeXml(path)}</Resource>` +
    `<RequestId>${randomUUID()}</RequestId></Error>`
  );
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (character) => `&#${character.charCodeAt(0)};`);
}

/**
 * Starts the proxy on a loopback port in front of `upstream` (e.g. fauxqs's address).
 *
 * @example
 * const proxy = await startConditionalPutProxy({ upstream: emulators.s3Endpoint });
 * const client = createS3Client({ endpoint: proxy.endpoint, credentials });
 */
export async function startConditionalPutProxy(options: { upstream: string }): Promise<ConditionalPutProxy> {
  const { upstream } = parseWith(
    z.object({ upstream: z.url({ protocol: /^http$/ }) }).strict(),
    options,
    'conditional put proxy options',
    'startConditionalPutProxy',
  );
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true });
  const serial = createKeyedSerial();
  let refused = 0;

  const forward = (incoming: IncomingMessage, method: string, path: string, body?: Buffer) =>
    new Promise<Upstream>((resolve, reject) => {
      const headers = endToEnd(incoming.headers);
      if (body !== undefined) headers['content-length'] = String(body.length);
      const outgoing = request(
        { host: target.hostname, port: target.port, method, path, headers, agent },
        (response) => {
          readBody(response).then(
            (received) =>
              resolve({ status: response.statusCode ?? 502, headers: response.headers, body: received }),
            reject,
          );
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });

  const handle = async (incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> => {
    const body = await readBody(incoming);
    const method = incoming.method ?? 'GET';
    const url = incoming.url ?? '/';
    const conditional = method === 'PUT' && incoming.headers['if-none-match'] === '*';
    const reply = (answer: Upstream) => {
      const headers = endToEnd(answer.headers);
      // A HEAD answer keeps the object's length; anything else carries the body it has.
      if (method === 'HEAD') {
        if (answer.headers['content-length']) headers['content-length'] = answer.headers['content-length'];
      } else headers['content-length'] = String(answer.body.length);
      outgoing.writeHead(answer.status, headers);
      outgoing.end(method === 'HEAD' ? undefined : answer.body);
    };
    if (!conditional) {
      reply(await forward(incoming, method, url, body));
      return;
    }
    const objectPath = url.split('?')[0] ?? url;
    const answer = await serial.run(objectPath, async () => {
      const head = await forward(incoming, 'HEAD', objectPath);
      if (head.status === 200) {
        refused += 1;
        const xml = Buffer.from(preconditionFailedBody(objectPath), 'utf8');
        return { status: 412, headers: { 'content-type': 'application/xml' }, body: xml };
      }
      return forward(incoming, method, url, body);
    });
    reply(answer);
  };

  const server = createServer((incoming, outgoing) => {
    handle(incoming, outgoing).catch((error: unknown) => {
      if (!outgoing.headersSent) outgoing.writeHead(502, { 'content-type': 'text/plain' });
      outgoing.end(`conditional put proxy: ${(error as Error).message}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get preconditionFailures() {
      return refused;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
