import { describe, expect, it } from 'vitest';
import { AbortedError, SystemError, TransientError } from '../errors.ts';
import {
  errorFromFetchFailure,
  errorFromHttpResponse,
  extractServerMessage,
  parseRetryAfterMs,
} from './http-errors.ts';

const source = 'openai-compatible POST http://127.0.0.1:1/v1/chat/completions';

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2025-03-01T10:00:00Z');
  it('reads delay-seconds and HTTP-dates', () => {
    expect(parseRetryAfterMs('3', now)).toBe(3000);
    expect(parseRetryAfterMs(' 0.5 ', now)).toBe(500);
    expect(parseRetryAfterMs('Sat, 01 Mar 2025 10:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfterMs('Sat, 01 Mar 2025 09:00:00 GMT', now)).toBe(0);
  });
  it('returns undefined for absent or unreadable values', () => {
    expect(parseRetryAfterMs(null, now)).toBeUndefined();
    expect(parseRetryAfterMs('', now)).toBeUndefined();
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
    expect(parseRetryAfterMs('-5', now)).toBeUndefined();
  });
});

describe('errorFromHttpResponse', () => {
  it.each([
    [429, undefined, TransientError, 'MODEL_RATE_LIMITED'],
    [500, undefined, TransientError, 'MODEL_SERVER_ERROR'],
    [503, undefined, TransientError, 'MODEL_SERVER_ERROR'],
    [408, undefined, TransientError, 'MODEL_TIMEOUT'],
    [401, undefined, SystemError, 'MODEL_AUTH'],
    [403, undefined, SystemError, 'MODEL_AUTH'],
    [400, undefined, SystemError, 'MODEL_REQUEST_REJECTED'],
    [404, undefined, SystemError, 'MODEL_REQUEST_REJECTED'],
    [400, 'ThrottlingException', TransientError, 'MODEL_RATE_LIMITED'],
    [424, 'ModelNotReadyException', TransientError, 'MODEL_SERVER_ERROR'],
    [408, 'ModelTimeoutException', TransientError, 'MODEL_TIMEOUT'],
    [400, 'ExpiredTokenException', SystemError, 'MODEL_AUTH'],
    [400, 'ValidationException', SystemError, 'MODEL_REQUEST_REJECTED'],
  ])('maps %s %s to %o %s', (status, errorType, errorClass, code) => {
    const error = errorFromHttpResponse({ status, source, errorType, serverMessage: 'why' });
    expect(error).toBeInstanceOf(errorClass);
    expect(error.code).toBe(code);
    expect(error.message).toContain(source);
    expect(error.message).toContain('why');
  });

  it('carries retryAfterMs on transient errors', () => {
    const error = errorFromHttpResponse({ status: 429, source, retryAfterMs: 1234 });
    expect((error as TransientError).retryAfterMs).toBe(1234);
  });
});

describe('extractServerMessage', () => {
  it('reads OpenAI, vLLM, FastAPI and AWS error bodies, else the raw text', () => {
    expect(extractServerMessage('{"error":{"message":"bad key","type":"auth"}}')).toBe('bad key');
    expect(extractServerMessage('{"object":"error","message":"too long"}')).toBe('too long');
    expect(extractServerMessage('{"detail":"Not Found"}')).toBe('Not Found');
    expect(extractServerMessage('{"Message":"denied"}')).toBe('denied');
    expect(extractServerMessage('{"error":"plain"}')).toBe('plain');
    expect(extractServerMessage('<html>502</html>')).toBe('<html>502</html>');
    expect(extractServerMessage('   ')).toBeUndefined();
    expect(extractServerMessage('x'.repeat(600))).toHaveLength(501);
  });
});

describe('errorFromFetchFailure', () => {
  const context = () => ({ source, timeoutMs: 100, timeoutSignal: new AbortController().signal });

  it('maps a caller abort to AbortedError even when the timeout also fired', () => {
    const error = errorFromFetchFailure(new DOMException('aborted', 'AbortError'), {
      ...context(),
      callerSignal: AbortSignal.abort(),
      timeoutSignal: AbortSignal.abort(),
    });
    expect(error).toBeInstanceOf(AbortedError);
  });

  it('maps our timeout to MODEL_TIMEOUT', () => {
    const error = errorFromFetchFailure(new DOMException('timed out', 'TimeoutError'), {
      ...context(),
      timeoutSignal: AbortSignal.abort(),
    });
    expect(error).toBeInstanceOf(TransientError);
    expect(error.code).toBe('MODEL_TIMEOUT');
  });

  it('maps refused and reset connections to MODEL_UNREACHABLE', () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
    });
    const error = errorFromFetchFailure(refused, context());
    expect(error).toBeInstanceOf(TransientError);
    expect(error.code).toBe('MODEL_UNREACHABLE');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('maps anything else to a SystemError MODEL_TRANSPORT', () => {
    const error = errorFromFetchFailure(new RangeError('bug'), context());
    expect(error).toBeInstanceOf(SystemError);
    expect(error.code).toBe('MODEL_TRANSPORT');
  });
});
