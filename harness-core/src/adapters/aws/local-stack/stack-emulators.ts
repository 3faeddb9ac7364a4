/**
 * The local stack's emulators on chosen ports: fauxqs (S3 + SQS, with its message spy for the
 * notification bridge) and dynalite (DynamoDB, in memory). A developer's tools point at fixed
 * ports (4566 / 4567 by default); tests pass 0 for any free port. A busy port is a clear error.
 */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { SystemError } from '../../../errors.ts';

export interface StackEmulatorPorts {
  /** fauxqs (S3 and SQS on one port); default 4566, 0 = any free port. */
  s3AndSqs: number;
  /** dynalite; default 4567, 0 = any free port. */
  dynamodb: number;
}

export interface StackEmulators {
  s3Endpoint: string;
  sqsEndpoint: string;
  dynamodbEndpoint: string;
  ports: StackEmulatorPorts;
  fauxqs: FauxqsServer;
  stop(): Promise<void>;
}

export const DEFAULT_STACK_PORTS: StackEmulatorPorts = { s3AndSqs: 4566, dynamodb: 4567 };

// dynalite is CommonJS without type declarations: loaded through require with the one call used.
const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (options: {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => Server;

function portError(service: string, port: number, error: unknown): SystemError {
  const code = (error as { code?: string }).code;
  if (code === 'EADDRINUSE') {
    return new SystemError(
      `port ${port} (${service}) is busy: another stack or program is using it; stop it or choose another port`,
      { code: 'PORT_IN_USE', cause: error },
    );
  }
  return new SystemError(`cannot start ${service} on port ${port}: ${(error as Error).message}`, {
    cause: error,
  });
}

async function listenDynalite(port: number): Promise<Server> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(portError('DynamoDB', port, error)));
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}

/**
 * @example
 * const emulators = await startStackEmulators({ s3AndSqs: 0, dynamodb: 0 });
 * await emulators.stop();
 */
export async function startStackEmulators(ports: StackEmulatorPorts): Promise<StackEmulators> {
  let fauxqs: FauxqsServer;
  try {
    fauxqs = await startFauxqs({ port: ports.s3AndSqs, logger: false, messageSpies: { bufferSize: 50 } });
  } catch (error) {
    throw portError('S3 and SQS', ports.s3AndSqs, error);
  }
  let dynamodb: Server;
  try {
    dynamodb = await listenDynalite(ports.dynamodb);
  } catch (error) {
    await fauxqs.stop();
    throw error;
  }
  const dynamodbPort = (dynamodb.address() as AddressInfo).port;
  return {
    s3Endpoint: `http://127.0.0.1:${fauxqs.port}`,
    sqsEndpoint: `http://127.0.0.1:${fauxqs.port}`,
    dynamodbEndpoint: `http://127.0.0.1:${dynamodbPort}`,
    ports: { s3AndSqs: fauxqs.port, dynamodb: dynamodbPort },
    fauxqs,
    async stop() {
      await fauxqs.stop();
      // Kept-alive SDK sockets would hold dynalite's graceful close open for up to 30 s.
      dynamodb.closeAllConnections();
      await new Promise<void>((resolve) => dynamodb.close(() => resolve()));
    },
  };
}
