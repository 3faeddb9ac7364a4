/**
 * The foundry's store and registry on a running local stack, for the commands that act on it from
 * outside (registering a project, `stack status`): the same S3 and DynamoDB adapters the functions
 * use, pointed at the stack's loopback endpoints with its test credentials.
 */
import type { ArtifactStore } from '../../../ports/artifact-store.ts';
import type { Registry } from '../../../ports/registry.ts';
import { createDynamoDbRegistry } from '../dynamodb-registry.ts';
import { createS3ArtifactStore } from '../s3-artifact-store.ts';
import { createLocalClients, type LocalEndpoints } from './local-clients.ts';

export interface LocalFoundry {
  store: ArtifactStore;
  registry: Registry;
  close(): void;
}

export function openLocalFoundry(stack: {
  endpoints: LocalEndpoints;
  bucket: string;
  tables: { registry: string };
}): LocalFoundry {
  const clients = createLocalClients(stack.endpoints);
  return {
    store: createS3ArtifactStore({ bucket: stack.bucket, client: clients.s3 }),
    registry: createDynamoDbRegistry({ tableName: stack.tables.registry, client: clients.dynamodb }),
    close: () => clients.destroy(),
  };
}
