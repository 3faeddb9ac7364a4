/**
 * The meta-model path of evolve: ask the configured `meta` model to write a code processor for one
 * hypothesis, then treat its reply as the untrusted input it is. The JavaScript is extracted,
 * bounded, scanned for reaches toward the host, hashed, smoke-tested in the sandbox and checked
 * against the hypothesis's lever; only then does it become a processor reference and a change of
 * the candidate's manifest.
 */
import { AbortedError } from '../../../errors.ts';
import type { GenerateResult, ModelV1 } from '../../../providers/model.ts';
import {
  type CodeProcessorRef,
  type SandboxLimitsInput,
  scanForHostAccess,
  sha256Hex,
} from '../../../sandbox/index.ts';
import type { Change } from '../../artifacts/candidate.ts';
import type { FailureCluster } from '../../artifacts/digest.ts';
import type { Hypothesis } from '../../artifacts/plan.ts';
import { buildCodeProcessorPrompt } from './code-processor-prompt.ts';
import { extractJavaScript } from './extract-javascript.ts';
import { type SmokeResult, smokeTestCodeProcessor } from './smoke-test.ts';

/** Why a proposal was refused, as a stable kind the report and the critic can count. */
export type MetaCodeFailure =
  | 'model-error'
  | 'bad-reply'
  | 'no-code'
  | 'too-long'
  | 'host-access'
  | 'smoke-failed'
  | 'lever-mismatch';

export interface ProposeCodeProcessorInput {
  hypothesis: Hypothesis;
  /** The digest cluster the hypothesis targets (adaptation split only), when known. */
  cluster: FailureCluster | undefined;
  model: ModelV1;
  signal?: AbortSignal;
  /** Sandbox limits for the smoke test (the evaluation uses the same ones). */
  limits?: SandboxLimitsInput;
  /** Longest accepted source, in characters. Default 20,000: evolved code must stay reviewable. */
  maxSourceChars?: number;
}

/** Tokens and cost of the meta-model call. */
export interface MetaCodeUsage {
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export type ProposeCodeProcessorResult =
  | { ok: true; ref: CodeProcessorRef; manifestChange: Change; smoke: SmokeResult; usage: MetaCodeUsage }
  | { ok: false; failure: MetaCodeFailure; reason: string; smoke?: SmokeResult; usage: MetaCodeUsage };

const MAX_REPLY_CHARS = 200_000;
const NO_USAGE: MetaCodeUsage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };

/**
 * Asks the meta-model for a code processor answering `hypothesis` and validates what comes back.
 * Never throws for a bad reply (that is `{ ok: false }`); rethrows only an abort.
 * @example
 * const proposal = await proposeCodeProcessor({ hypothesis, cluster, model: metaModel, signal });
 * if (proposal.ok) spec.processors.push(proposal.ref);
 */
export async function proposeCodeProcessor(
  input: ProposeCodeProcessorInput,
): Promise<ProposeCodeProcessorResult> {
  const { hypothesis, model, signal } = input;
  let result: GenerateResult;
  try {
    result = await model.doGenerate({
      messages: buildCodeProcessorPrompt(hypothesis, input.cluster),
      tools: [],
      toolChoice: 'none',
      temperature: 0,
      maxOutputTokens: 4000,
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (error instanceof AbortedError || signal?.aborted) throw error;
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return refuse('model-error', `the meta-model call failed: ${message}`, NO_USAGE);
  }
  const usage = readUsage(result);
  const text: unknown = (result as { text?: unknown }).text;
  if (typeof text !== 'string') return refuse('bad-reply', 'the meta-model reply has no text', usage);
  if (text.length > MAX_REPLY_CHARS) {
    return refuse(
      'bad-reply',
      `the meta-model reply is ${text.length} characters, over ${MAX_REPLY_CHARS}`,
      usage,
    );
  }
  const extracted = extractJavaScript(text);
  if (!extracted.ok) return refuse('no-code', extracted.reason, usage);
  const source = extracted.source;
  const maxSourceChars = input.maxSourceChars ?? 20_000;
  if (source.length > maxSourceChars) {
    return refuse('too-long', `the processor is ${source.length} characters, over ${maxSourceChars}`, usage);
  }
  const reaches = scanForHostAccess(source);
  if (reaches.length > 0) {
    const list = reaches.map((reach) => `${reach.token} (line ${reach.line})`).join(', ');
    return refuse('host-access', `the processor reaches for host objects: ${list}`, usage);
  }
  const sha256 = sha256Hex(source);
  const ref: CodeProcessorRef = {
    id: evolvedProcessorId(hypothesis.id, sha256),
    code: { language: 'js', source, sha256 },
    options: {},
  };
  const smoke = await smokeTestCodeProcessor(ref, input.limits ? { limits: input.limits } : {});
  if (!smoke.ok) {
    const detail = smoke.errors.map((error) => `${error.hook} ${error.code}: ${error.message}`).join('; ');
    return { ...refuse('smoke-failed', `the smoke test failed: ${detail}`, usage), smoke };
  }
  const meta = smoke.inspection?.meta;
  if (meta?.dimension !== hypothesis.lever) {
    const declared = meta ? `declares dimension "${meta.dimension}"` : 'declares no meta';
    return {
      ...refuse(
        'lever-mismatch',
        `the processor ${declared}; the hypothesis lever is "${hypothesis.lever}"`,
        usage,
      ),
      smoke,
    };
  }
  const manifestChange: Change = {
    kind: 'add-code-processor',
    target: ref.id,
    after: {
      sha256,
      hooks: [...(smoke.inspection?.hooks ?? [])],
      dimension: meta.dimension,
      description: meta.description,
      chars: source.length,
      model: `${model.provider}:${model.modelId}`,
    },
  };
  return { ok: true, ref, manifestChange, smoke, usage };
}

/**
 * `evolved-<kebab of the hypothesis id>-<first 8 hex of the sha256>`: a valid processor id that
 * names the hypothesis and differs for every distinct source.
 */
export function evolvedProcessorId(hypothesisId: string, sha256: string): string {
  const suffix = sha256.slice(0, 8);
  const room = 64 - 'evolved-'.length - suffix.length - 1;
  const kebab = hypothesisId
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, room)
    .replace(/-+$/, '');
  return kebab ? `evolved-${kebab}-${suffix}` : `evolved-${suffix}`;
}

function refuse(failure: MetaCodeFailure, reason: string, usage: MetaCodeUsage): ProposeCodeProcessorResult {
  return { ok: false, failure, reason, usage };
}

function readUsage(result: GenerateResult): MetaCodeUsage {
  const count = (value: unknown) =>
    typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
  return {
    inputTokens: count(result.usage?.inputTokens),
    outputTokens: count(result.usage?.outputTokens),
    costUsd: count(result.costUsd),
  };
}
