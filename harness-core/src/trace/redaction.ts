/**
 * Secret redaction for everything the trace writer emits. Nothing secret may enter a trace: model
 * prompts and tool results routinely echo environment variables, config files and HTTP headers.
 * Redaction runs on each string before serialisation, so a replacement can never break the JSON
 * a string is later embedded in.
 */

/** Replaces secrets in text. */
export interface Redactor {
  redact(text: string): string;
}

export interface RedactorOptions {
  /**
   * Extra patterns. A `RegExp` is used as written (made global); a string is a literal secret
   * (e.g. the API key the process was started with) and is matched verbatim. A RegExp with a
   * named group `keep` keeps that group's text and replaces the rest of the match.
   */
  patterns?: readonly (RegExp | string)[];
  /** Replacement text. Default `[REDACTED]`. */
  replaceWith?: string;
  /** Whether the built-in patterns apply as well. Default `true`. */
  includeDefaultPatterns?: boolean;
}

export const DEFAULT_REDACTION_REPLACEMENT = '[REDACTED]';

/**
 * Characters a secret value may contain in `key=value` pairs: stops at quotes and separators, and
 * never starts over an earlier `[REDACTED]`.
 */
const PAIR_VALUE = String.raw`[^\s"'<>,;&}[\]]{6,}`;

/**
 * The built-in patterns, most specific first. Groups named `keep` (a key name, a header, a
 * scheme) stay visible so that a redacted trace still shows *what* was removed.
 */
export const DEFAULT_REDACTION_PATTERNS: readonly RegExp[] = [
  // PEM private keys, whole block.
  /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----/g,
  // Anthropic (`sk-ant-…`) and OpenAI (`sk-…`, `sk-proj-…`) API keys.
  /\bsk-(?:ant-|proj-|svcacct-)?[A-Za-z0-9_-]{20,}/g,
  // GitHub tokens: classic (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`) and fine-grained.
  /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g,
  // JSON Web Tokens: header.payload.signature, header and payload base64url of a JSON object.
  /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g,
  // AWS access key ids.
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g,
  // AWS secret access keys in `aws_secret_access_key = …` form (env, ini, JSON).
  /(?<keep>\baws_secret_access_key["']?\s*[:=]\s*["']?)[A-Za-z0-9/+=]{30,}/gi,
  // Bearer tokens, with or without an `Authorization:` header before them.
  /(?<keep>\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}/g,
  // Other Authorization header values (Basic, Token, raw keys), but not the word Bearer itself.
  /(?<keep>\bAuthorization["']?\s*[:=]\s*["']?(?:Basic\s+|Token\s+)?)(?!Bearer\b)[A-Za-z0-9._~+/=-]{8,}/gi,
  // `api_key=…`, `apikey: …`, `"x-api-key": "…"`, client secrets, access tokens, passwords.
  new RegExp(
    String.raw`(?<keep>\b(?:x-)?(?:api[_-]?key|api[_-]?secret|secret[_-]?key|client[_-]?secret|(?:access|auth|refresh|session)[_-]?token|password|passwd)["']?\s*[:=]\s*["']?)${PAIR_VALUE}`,
    'gi',
  ),
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function toGlobalRegExp(pattern: RegExp | string): RegExp {
  if (typeof pattern === 'string') return new RegExp(escapeRegExp(pattern), 'g');
  return pattern.flags.includes('g') ? pattern : new RegExp(pattern.source, `${pattern.flags}g`);
}

/**
 * Creates a redactor.
 *
 * @example
 * const redactor = createRedactor({ patterns: [process.env.MY_TOKEN ?? ''].filter(Boolean) });
 * redactor.redact('Authorization: Bearer abcdefgh12345'); // 'Authorization: Bearer [REDACTED]'
 */
export function createRedactor(options: RedactorOptions = {}): Redactor {
  const replaceWith = options.replaceWith ?? DEFAULT_REDACTION_REPLACEMENT;
  const custom = (options.patterns ?? []).filter((pattern) => pattern !== '').map(toGlobalRegExp);
  const patterns = [
    ...(options.includeDefaultPatterns === false ? [] : DEFAULT_REDACTION_PATTERNS),
    ...custom,
  ];
  const replacer = (match: string, ...rest: unknown[]): string => {
    const groups = rest[rest.length - 1];
    if (typeof groups === 'object' && groups !== null) {
      const keep = (groups as Record<string, string | undefined>)['keep'];
      if (keep !== undefined) return `${keep}${replaceWith}`;
    }
    return match === '' ? match : replaceWith;
  };
  return {
    redact(text: string): string {
      let out = text;
      for (const pattern of patterns) {
        pattern.lastIndex = 0;
        if (pattern.test(out)) {
          pattern.lastIndex = 0;
          out = out.replace(pattern, replacer);
        }
      }
      return out;
    },
  };
}

/** A redactor that changes nothing: for callers that have already scrubbed their data. */
export const NO_REDACTION: Redactor = { redact: (text) => text };
