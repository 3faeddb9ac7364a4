import { describe, expect, it } from 'vitest';
import { redactTrajectory } from './redact-trajectory.ts';
import { createRedactor, NO_REDACTION } from './redaction.ts';
import { createSyntheticTrajectories } from './synthetic-trajectories.ts';

const redactor = createRedactor();

describe('createRedactor default patterns', () => {
  it.each([
    ['OpenAI key', 'key is sk-proj-AbCdEfGhIjKlMnOpQrStUvWx12 ok', 'key is [REDACTED] ok'],
    [
      'Anthropic key',
      'ANTHROPIC_API_KEY=sk-ant-api03-AbCdEfGhIjKlMnOpQrSt-_xyz',
      'ANTHROPIC_API_KEY=[REDACTED]',
    ],
    ['AWS access key id', 'id AKIAIOSFODNN7EXAMPLE here', 'id [REDACTED] here'],
    ['AWS session key id', 'ASIAY34FZKBOKMUTVV7A', '[REDACTED]'],
    [
      'AWS secret',
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'aws_secret_access_key = [REDACTED]',
    ],
    ['Bearer header', 'Authorization: Bearer abc.def-ghi_jkl123', 'Authorization: Bearer [REDACTED]'],
    ['bare Bearer', 'use Bearer 0123456789abcdef please', 'use Bearer [REDACTED] please'],
    ['Basic header', 'Authorization: Basic dXNlcjpwYXNzd29yZA==', 'Authorization: Basic [REDACTED]'],
    ['api_key pair', 'GET /v1?api_key=abcdef123456&q=1', 'GET /v1?api_key=[REDACTED]&q=1'],
    ['apikey colon', 'apikey: 9f8e7d6c5b4a', 'apikey: [REDACTED]'],
    ['JSON api key', '{"x-api-key": "k3y-v4lue-123"}', '{"x-api-key": "[REDACTED]"}'],
    ['GitHub classic token', 'token ghp_0123456789abcdefghijABCDEFGHIJ012345', 'token [REDACTED]'],
    ['GitHub fine-grained', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnop', '[REDACTED]'],
    [
      'JWT',
      'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U end',
      'jwt [REDACTED] end',
    ],
    [
      'PEM private key',
      'key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nabc\n-----END RSA PRIVATE KEY-----\nafter',
      'key:\n[REDACTED]\nafter',
    ],
  ])('redacts %s', (_name, input, expected) => {
    expect(redactor.redact(input)).toBe(expected);
  });

  it('leaves ordinary text alone, including words like "password" in prose and token counts', () => {
    const text = 'Reset your password via the link. max_tokens: 256, input_tokens=120. sk-short';
    expect(redactor.redact(text)).toBe(text);
  });

  it('is idempotent: redacting twice changes nothing more', () => {
    const once = redactor.redact(
      'api_key=sk-proj-AbCdEfGhIjKlMnOpQrStUvWx12 Authorization: Bearer abcdefgh1234',
    );
    expect(redactor.redact(once)).toBe(once);
    expect(once).toBe('api_key=[REDACTED] Authorization: Bearer [REDACTED]');
  });
});

describe('createRedactor options', () => {
  it('treats string patterns as literal secrets and RegExps as written, with a custom replacement', () => {
    const custom = createRedactor({ patterns: ['my.secret+value', /internal-\d+/], replaceWith: '***' });
    expect(custom.redact('a my.secret+value b internal-42 c mysecretvalue')).toBe(
      'a *** b *** c mysecretvalue',
    );
  });

  it('can turn the defaults off', () => {
    const custom = createRedactor({ includeDefaultPatterns: false, patterns: ['x1'] });
    expect(custom.redact('AKIAIOSFODNN7EXAMPLE x1')).toBe('AKIAIOSFODNN7EXAMPLE [REDACTED]');
  });

  it('makes a non-global RegExp global', () => {
    expect(createRedactor({ patterns: [/zz/] }).redact('zz and zz')).toBe('[REDACTED] and [REDACTED]');
  });

  it('NO_REDACTION changes nothing', () => {
    expect(NO_REDACTION.redact('AKIAIOSFODNN7EXAMPLE')).toBe('AKIAIOSFODNN7EXAMPLE');
  });
});

describe('redactTrajectory', () => {
  it('redacts content, arguments, results, events and extra attributes but not ids or times', () => {
    const [original] = createSyntheticTrajectories({ episodes: 1, turnsPerEpisode: 2 });
    if (original === undefined) throw new Error('no trajectory');
    const secret = 'sk-ant-api03-AbCdEfGhIjKlMnOpQrSt';
    const turn = original.turns[0];
    if (turn === undefined) throw new Error('no turn');
    turn.modelCall.inputMessages.push({ role: 'user', content: `my key is ${secret}` });
    const tool = turn.toolCalls[0];
    if (tool === undefined) throw new Error('no tool call');
    tool.arguments = `{"token":"${secret}"}`;
    tool.result = `echo ${secret}`;
    original.events.push({ name: 'note-added', timeUnixNano: '1', attributes: { text: secret } });
    original.extraAttributes['app.header'] = `Bearer ${secret}`;

    const redacted = redactTrajectory(original, redactor);
    const text = JSON.stringify(redacted);
    expect(text).not.toContain(secret);
    expect(redacted.traceId).toBe(original.traceId);
    expect(redacted.startTimeUnixNano).toBe(original.startTimeUnixNano);
    expect(redacted.turns[0]?.toolCalls[0]?.arguments).toBe('{"token":"[REDACTED]"}');
    // the input is not modified
    expect(JSON.stringify(original)).toContain(secret);
  });
});
