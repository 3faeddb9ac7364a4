/**
 * Policy snapshot identity (spec §1): the behaviour policy μ that sampled the tokens. Two calls
 * share a policy exactly when base model, adapter, chat template and tokenizer all agree.
 */
import { createHash } from 'node:crypto';
import type { XgrpoPolicy } from './group-record-schema.ts';

export interface PolicyDescriptor {
  /** `provider:model id`, e.g. `openai:Qwen/Qwen2.5-7B-Instruct`. */
  baseModel: string;
  /** Adapter weights location (or hash); null for the base model. */
  adapterUri: string | null;
  chatTemplateSha256: string | null;
  tokenizerSha256: string | null;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * `sha256:<hex>` of the four parts joined by newlines, each missing part written as `none`:
 * `base_model \n adapter_uri|none \n chat_template_sha256|none \n tokenizer_sha256|none`.
 * Newlines cannot occur in any part, so the encoding is unambiguous.
 */
export function policyId(policy: PolicyDescriptor): string {
  const parts = [policy.baseModel, policy.adapterUri, policy.chatTemplateSha256, policy.tokenizerSha256];
  return `sha256:${sha256Hex(parts.map((part) => part ?? 'none').join('\n'))}`;
}

/** The §5 `policy` object of a descriptor (the tokenizer hash enters only the id). */
export function policyRecord(policy: PolicyDescriptor): XgrpoPolicy {
  return {
    policy_id: policyId(policy),
    base_model: policy.baseModel,
    adapter_uri: policy.adapterUri,
    chat_template_sha256: policy.chatTemplateSha256,
  };
}

/** The policy of a worker model with no adapter and unknown template/tokenizer. */
export function basePolicy(provider: string, model: string): PolicyDescriptor {
  return {
    baseModel: `${provider}:${model}`,
    adapterUri: null,
    chatTemplateSha256: null,
    tokenizerSha256: null,
  };
}
