/**
 * The `harnessx.xgrpo.group/1` JSONL record (spec §5): one GRPO group per line. The schema is
 * strict and carries the builder rules that span fields (extends only backwards, log-prob and id
 * lengths agree), so the writer and the reader reject the same records.
 */
import { z } from 'zod';

export const GROUP_RECORD_SCHEMA_ID = 'harnessx.xgrpo.group/1';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

const toolCallSchema = z.strictObject({
  id: z.string(),
  type: z.literal('function'),
  function: z.strictObject({
    name: z.string().min(1),
    arguments: z.string({ error: 'tool call arguments must be a JSON string, not an object' }),
  }),
});

const textContent = z.string();

export const messageSchema = z.discriminatedUnion(
  'role',
  [
    z.strictObject({ role: z.literal('system'), content: textContent }),
    z.strictObject({ role: z.literal('user'), content: textContent }),
    z.strictObject({
      role: z.literal('assistant'),
      content: textContent.nullable(),
      tool_calls: z.array(toolCallSchema).optional(),
    }),
    z.strictObject({
      role: z.literal('tool'),
      tool_call_id: z.string(),
      name: z.string().optional(),
      content: textContent,
    }),
  ],
  { error: 'role must be one of system, user, assistant, tool' },
);

export const responseSchema = z.strictObject({
  role: z.literal('assistant', { error: 'response.role must be "assistant"' }),
  content: textContent.nullable(),
  tool_calls: z.array(toolCallSchema).optional(),
});

export const toolSchema = z.strictObject({
  type: z.literal('function'),
  function: z.strictObject({
    name: z.string().min(1),
    description: z.string(),
    parameters: z.record(z.string(), z.unknown()),
  }),
});

export const samplingSchema = z.strictObject({
  temperature: finite.nullable(),
  top_p: finite.nullable(),
  top_k: z.number().int().nullable(),
  max_tokens: z.number().int().nullable(),
});

const tokenId = z.number().int().nonnegative();

export const tokensSchema = z
  .strictObject({
    extends: z.string().nullable(),
    prompt_ids: z.array(tokenId),
    completion_ids: z.array(tokenId),
    completion_logprobs: z.array(z.number()).nullable(),
    logprobs_mode: z.enum(['processed', 'raw']).nullable(),
  })
  .superRefine((tokens, ctx) => {
    if (
      tokens.completion_logprobs !== null &&
      tokens.completion_logprobs.length !== tokens.completion_ids.length
    )
      ctx.addIssue({
        code: 'custom',
        path: ['completion_logprobs'],
        message: `has ${tokens.completion_logprobs.length} entries but completion_ids has ${tokens.completion_ids.length}`,
      });
  });

export const callSchema = z.strictObject({
  call_id: z.string().min(1),
  trainable: z.boolean(),
  context: z.strictObject({
    extends: z.string().nullable(),
    messages: z.array(messageSchema),
    tools: z.array(toolSchema).nullable().optional(),
    chat_template_kwargs: z.record(z.string(), z.unknown()).optional(),
  }),
  response: responseSchema,
  finish_reason: z.enum(['stop', 'tool_calls', 'length', 'content_filter']),
  sampling: samplingSchema,
  tokens: tokensSchema.optional(),
});

export const harnessRefSchema = z.strictObject({
  harness_id: z.string().min(1),
  version: z.string().min(1),
  artifact_uri: z.string().nullable(),
  sha256: z.string().nullable(),
});

export const trajectoryStatusSchema = z.enum(['completed', 'agent_error', 'timeout', 'budget_exhausted']);

export const trajectoryRecordSchema = z
  .strictObject({
    trajectory_id: z.string().min(1),
    harness: harnessRefSchema,
    status: trajectoryStatusSchema,
    reward: z.number({ error: 'reward must be a finite number' }).refine(Number.isFinite, 'must be finite'),
    reward_components: z.record(z.string(), finite).optional(),
    advantage: finite,
    tools: z.array(toolSchema),
    calls: z.array(callSchema),
  })
  .superRefine((trajectory, ctx) => {
    const seen = new Set<string>();
    const withTokens = new Set<string>();
    trajectory.calls.forEach((call, index) => {
      if (seen.has(call.call_id))
        ctx.addIssue({ code: 'custom', path: ['calls', index, 'call_id'], message: 'duplicate call_id' });
      const contextExtends = call.context.extends;
      if (contextExtends !== null && !seen.has(contextExtends))
        ctx.addIssue({
          code: 'custom',
          path: ['calls', index, 'context', 'extends'],
          message: `"${contextExtends}" is not an earlier call of this trajectory`,
        });
      const tokenExtends = call.tokens?.extends ?? null;
      if (tokenExtends !== null && !withTokens.has(tokenExtends))
        ctx.addIssue({
          code: 'custom',
          path: ['calls', index, 'tokens', 'extends'],
          message: `"${tokenExtends}" is not an earlier call with tokens in this trajectory`,
        });
      seen.add(call.call_id);
      if (call.tokens) withTokens.add(call.call_id);
    });
  });

export const policySchema = z.strictObject({
  policy_id: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256:<64 hex digits>'),
  base_model: z.string().min(1),
  adapter_uri: z.string().nullable(),
  chat_template_sha256: z.string().nullable(),
});

export const rewardSpecSchema = z
  .strictObject({
    name: z.string().min(1),
    version: z.string().min(1),
    range: z.tuple([finite, finite]),
  })
  .refine((spec) => spec.range[0] < spec.range[1], { message: 'range must be [min, max] with min < max' });

export const groupAdvantageSchema = z.strictObject({
  scale: z.enum(['group', 'none', 'batch']),
  baseline: z.enum(['mean', 'loo']),
  eps: finite.nonnegative(),
  ddof: z.number().int().nonnegative(),
  n: z.number().int().min(2),
  mean: finite,
  std: finite,
  batch_std: finite.optional(),
});

export const groupRecordSchema = z
  .strictObject({
    schema: z.literal(GROUP_RECORD_SCHEMA_ID),
    group_id: z.string().regex(/^g:[0-9a-f]{64}$/, 'must be g:<sha256 hex>'),
    task_id: z.string().min(1),
    round: z.string().min(1).optional(),
    policy: policySchema,
    reward_spec: rewardSpecSchema,
    advantage: groupAdvantageSchema,
    trajectories: z.array(trajectoryRecordSchema).min(2),
  })
  .superRefine((group, ctx) => {
    if (group.advantage.n !== group.trajectories.length)
      ctx.addIssue({
        code: 'custom',
        path: ['advantage', 'n'],
        message: `is ${group.advantage.n} but the group has ${group.trajectories.length} trajectories`,
      });
  });

export type XgrpoMessage = z.infer<typeof messageSchema>;
export type XgrpoResponse = z.infer<typeof responseSchema>;
export type XgrpoTool = z.infer<typeof toolSchema>;
export type XgrpoSampling = z.infer<typeof samplingSchema>;
export type XgrpoTokens = z.infer<typeof tokensSchema>;
export type XgrpoCall = z.infer<typeof callSchema>;
export type XgrpoHarnessRef = z.infer<typeof harnessRefSchema>;
export type XgrpoTrajectoryStatus = z.infer<typeof trajectoryStatusSchema>;
export type XgrpoTrajectory = z.infer<typeof trajectoryRecordSchema>;
export type XgrpoPolicy = z.infer<typeof policySchema>;
export type RewardSpec = z.infer<typeof rewardSpecSchema>;
export type GroupAdvantage = z.infer<typeof groupAdvantageSchema>;
export type XgrpoGroupRecord = z.infer<typeof groupRecordSchema>;
