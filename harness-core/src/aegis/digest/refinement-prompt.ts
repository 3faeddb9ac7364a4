/**
 * The meta-model refinement's prompt and reply schema. The model sees only the top clusters
 * (counts, tools, task ids, evidence excerpts), never whole traces, and must answer with one JSON
 * object that names only the clusters it was shown.
 */
import { z } from 'zod';
import type { ChatMessage } from '../../providers/model.ts';
import type { FailureCluster } from '../artifacts/digest.ts';

/** Task ids shown per cluster: enough to see the spread, bounded so the prompt stays small. */
const TASK_IDS_SHOWN = 10;

export const REFINEMENT_SYSTEM_PROMPT =
  'You analyse failure clusters from the traces of an AI agent for an engineer who improves the ' +
  "agent's harness (its prompts, processors and tools), not the model. For each cluster, write one " +
  'paragraph: what goes wrong, where in the episode, and which kind of harness change could fix it. ' +
  'Reply with a single JSON object and nothing else.';

export function buildRefinementMessages(clusters: readonly FailureCluster[]): ChatMessage[] {
  const shown = clusters.map((cluster) => ({
    id: cluster.id,
    failureClass: cluster.failureClass,
    count: cluster.count,
    ...(cluster.tool === undefined ? {} : { tool: cluster.tool }),
    actionability: cluster.actionability,
    taskIds: cluster.taskIds.slice(0, TASK_IDS_SHOWN),
    evidence: cluster.evidence.map((evidence) => ({ turn: evidence.turn, excerpt: evidence.excerpt })),
  }));
  const reply = { summaries: [{ clusterId: shown[0]?.id ?? 'cluster-id', summary: 'One paragraph.' }] };
  return [
    { role: 'system', content: REFINEMENT_SYSTEM_PROMPT },
    {
      role: 'user',
      content:
        `Failure clusters (JSON):\n${JSON.stringify(shown, null, 2)}\n\n` +
        `Reply with exactly this shape, one entry per cluster above: ${JSON.stringify(reply)}`,
    },
  ];
}

/** The reply, restricted to the clusters that were shown, each at most once. */
export function refinementReplySchema(clusterIds: readonly string[]) {
  const [first, ...rest] = clusterIds;
  const idSchema = first === undefined ? z.never() : z.enum([first, ...rest]);
  return z
    .object({
      summaries: z
        .array(z.object({ clusterId: idSchema, summary: z.string().trim().min(1).max(2000) }).strict())
        .min(1)
        .max(Math.max(1, clusterIds.length))
        .refine((summaries) => new Set(summaries.map((entry) => entry.clusterId)).size === summaries.length, {
          message: 'each cluster may be summarised once',
        }),
    })
    .strict();
}

/** The JSON inside a reply, tolerating one Markdown code fence around it (models add them). */
export function unfenceJson(text: string): string {
  const fenced = text.trim().match(/^```(?:json)?\s*\n?([\s\S]*?)\n?```$/i);
  return (fenced?.[1] ?? text).trim();
}

/** One paragraph: line breaks and runs of spaces become single spaces. */
export function asOneParagraph(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
