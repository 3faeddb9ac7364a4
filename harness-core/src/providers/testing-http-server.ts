/**
 * `StubHttpServer` (test double): a real `node:http` server on 127.0.0.1, port 0, that answers
 * each request with the next scripted reply and records every request it received, so adapter
 * tests exercise real sockets, real wire formats and real failures (hangs, resets).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedHttpRequest {
  method: string;
  /** Path and query, e.g. `/v1/chat/completions`. */
  url: string;
  headers: IncomingHttpHeaders;
  bodyText: string;
  /** The body parsed as JSON, or `undefined` when it is not JSON. */
  json: unknown;
}

export type StubHttpReply =
  /** A normal answer; an object or array `body` is sent as JSON, a string as is. */
  | { status?: number; headers?: Record<string, string>; body?: unknown }
  /** Never answer (until the server closes): for timeouts and aborts. */
  | { hang: true }
  /** Destroy the socket without an answer: the client sees a connection reset. */
  | { resetConnection: true };

export type StubHttpResponder =
  | StubHttpReply
  | ((request: RecordedHttpRequest, index: number) => StubHttpReply);

export interface StubHttpServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: RecordedHttpRequest[];
  close(): Promise<void>;
}

/**
 * Starts the stub. `replies[i]` answers request `i`; once they run out it answers 500 with a
 * message saying so, so an unexpected extra request fails loudly.
 * @example
 * const server = await startStubHttpServer([{ status: 429, headers: { 'retry-after': '1' } }, { body: ok }]);
 * try { … } finally { await server.close(); }
 */
export async function startStubHttpServer(
  replies: readonly StubHttpResponder[] | ((request: RecordedHttpRequest, index: number) => StubHttpReply),
): Promise<StubHttpServer> {
  const requests: RecordedHttpRequest[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const bodyText = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(bodyText);
      } catch {
        json = undefined;
      }
      const request: RecordedHttpRequest = {
        method: incoming.method ?? '',
        url: incoming.url ?? '',
        headers: incoming.headers,
        bodyText,
        json,
      };
      const index = requests.length;
      requests.push(request);
      let reply: StubHttpResponder | undefined = typeof replies === 'function' ? replies : replies[index];
      if (typeof reply === 'function') reply = reply(request, index);
      if (reply === undefined) {
        reply = {
          status: 500,
          body: { error: { message: `stub server: no reply scripted for request #${index}` } },
        };
      }
      if ('hang' in reply) return;
      if ('resetConnection' in reply) {
        incoming.socket.destroy();
        return;
      }
      const body = reply.body;
      const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
      const headers: Record<string, string> = { ...reply.headers };
      if (typeof body === 'object' && body !== null && !hasHeader(headers, 'content-type'))
        headers['content-type'] = 'application/json';
      outgoing.writeHead(reply.status ?? 200, headers);
      outgoing.end(text);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        // Hanging requests keep their sockets open; close them or close() would wait for ever.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}
