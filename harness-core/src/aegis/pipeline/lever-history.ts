/** Where the plan stage's lever history (portfolio audit, prediction hit rates) lives between cycles. */
import { leverRecordListSchema } from '../plan/lever-history.ts';
import { zodCodec } from './artifact-io.ts';

export const leverHistoryKey = (project: string) => `projects/${project}/lever-history.json`;

export const leverHistorySchemaList = zodCodec(leverRecordListSchema, 'lever history');
