/** λ trace-ingest: S3 upload notifications for `traces/` → `ingestTraceObject` (see functions/README.md). */
import { createTraceIngestHandler } from '../shared/create-trace-ingest-handler.ts';

export const handler = createTraceIngestHandler();
