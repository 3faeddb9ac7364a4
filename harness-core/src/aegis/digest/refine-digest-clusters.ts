/**
 * The optional meta-model pass: a model writes a one-paragraph summary of the top clusters only.
 * Its reply is validated; when the call or the reply fails, the digest comes back unchanged and
 * the failure is reported, never thrown (an abort is the exception: it propagates).
 */
import { z } from 'zod';
import { AbortedError, HarnessError, InputError, ModelBehaviorError } from '../../errors.ts';
import type { ModelUsage, ModelV1 } from '../../providers/model.ts';
import { parseModelResult } from '../../runtime/model-result.ts';
import { findForbiddenKeys, parseJsonText, parseWith } from '../../schema.ts';
import { type Digest, digestArtifact } from '../artifacts/digest.ts';
import { withOutputTokens } from './digest-builder.ts';
import {
  asOneParagraph,
  buildRefinementMessages,
  refinementReplySchema,
  unfenceJson,
} from './refinement-prompt.ts';

export interface RefineDigestClustersOptions {
  /** How many of the most actionable clusters to refine. Default 2. */
  topN?: number;
  /** Output token cap for the model's reply. Default 1024. */
  maxOutputTokens?: number;
  signal?: AbortSignal;
}

export interface RefineDigestClustersResult {
  /** The refined digest, or the input digest unchanged when refinement failed. */
  digest: Digest;
  refinedClusterIds: string[];
  /** Why the digest was left unchanged (a model failure or an invalid reply); absent on success. */
  failure?: HarnessError;
  usage: ModelUsage & { costUsd: number };
}

const optionsSchema = z
  .object({
    topN: z.number().int().min(1).max(20).default(2),
    maxOutputTokens: z.number().int().min(64).max(32_000).default(1024),
  })
  .strict();

const REPLY_ENTITY = 'digest refinement reply';

function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return error instanceof AbortedError || signal?.aborted === true;
}

function asHarnessError(error: unknown): HarnessError {
  if (error instanceof HarnessError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ModelBehaviorError(`the meta-model call failed: ${message}`, { cause: error });
}

/**
 * @example
 * const { digest: refined, failure } = await refineDigestClusters(digest, metaModel, { topN: 2 });
 * if (failure) progress.warn(`digest refinement skipped: ${failure.message}`);
 */
export async function refineDigestClusters(
  digest: Digest,
  model: ModelV1,
  options: RefineDigestClustersOptions = {},
): Promise<RefineDigestClustersResult> {
  const input = digestArtifact.parse(digest, 'refineDigestClusters digest');
  const { signal, ...rest } = options;
  const { topN, maxOutputTokens } = parseWith(
    optionsSchema,
    rest,
    'digest refinement options',
    'refineDigestClusters',
  );
  const usage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };
  const top = input.clusters.slice(0, topN);
  if (top.length === 0) return { digest: input, refinedClusterIds: [], usage };
  const source = `meta-model reply from ${model.provider}:${model.modelId}`;
  let text: string;
  try {
    const result = parseModelResult(
      await model.doGenerate({
        messages: buildRefinementMessages(top),
        tools: [],
        toolChoice: 'none',
        temperature: 0,
        maxOutputTokens,
        ...(signal ? { signal } : {}),
      }),
      source,
    );
    usage.inputTokens = result.usage.inputTokens;
    usage.outputTokens = result.usage.outputTokens;
    usage.costUsd = result.costUsd ?? 0;
    text = result.text;
  } catch (error) {
    if (isAbort(error, signal)) throw error;
    return { digest: input, refinedClusterIds: [], failure: asHarnessError(error), usage };
  }
  const reply = parseReply(
    text,
    top.map((cluster) => cluster.id),
    source,
  );
  if (!reply.success) return { digest: input, refinedClusterIds: [], failure: reply.error, usage };
  const summaries = new Map(reply.data.map((entry) => [entry.clusterId, asOneParagraph(entry.summary)]));
  const refined = withOutputTokens({
    ...input,
    clusters: input.clusters.map((cluster) => {
      const summary = summaries.get(cluster.id);
      return summary === undefined ? cluster : { ...cluster, refinedSummary: summary };
    }),
    metaModel: { used: true, model: `${model.provider}:${model.modelId}` },
  });
  return {
    digest: digestArtifact.parse(refined, 'digest refinement output'),
    refinedClusterIds: [...summaries.keys()],
    usage,
  };
}

type ParsedReply =
  | { success: true; data: { clusterId: string; summary: string }[] }
  | { success: false; error: InputError };

function parseReply(text: string, clusterIds: readonly string[], source: string): ParsedReply {
  try {
    const value = parseJsonText(unfenceJson(text), REPLY_ENTITY, source);
    const forbidden = findForbiddenKeys(value);
    if (forbidden.length > 0)
      return { success: false, error: new InputError(REPLY_ENTITY, source, forbidden) };
    const parsed = parseWith(refinementReplySchema(clusterIds), value, REPLY_ENTITY, source);
    return { success: true, data: parsed.summaries };
  } catch (error) {
    if (error instanceof InputError) return { success: false, error };
    throw error;
  }
}
