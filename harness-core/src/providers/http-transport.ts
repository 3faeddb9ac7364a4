/**
 * One JSON POST with a per-attempt timeout, shared by the HTTP model adapters. It turns every
 * failure into the error hierarchy (see `http-errors.ts`) and every 2xx into parsed JSON; the
 * adapter validates the shape with its own schema.
 */
import { InputError } from '../errors.ts';
import {
  errorFromFetchFailure,
  errorFromHttpResponse,
  extractServerMessage,
  parseRetryAfterMs,
} from './http-errors.ts';

export type FetchFunction = typeof globalThis.fetch;

export interface JsonPostRequest {
  url: string;
  headers: Record<string, string>;
  /** The serialised request body (already signed over, when the adapter signs). */
  body: string;
  timeoutMs: number;
  /** The caller's signal: its abort becomes an `AbortedError`, never a retry. */
  signal?: AbortSignal;
  fetch: FetchFunction;
  /** Names the request in errors, e.g. `openai-compatible POST http://…/chat/completions`. */
  source: string;
  /** Reads a typed error name from an error answer (e.g. AWS's `x-amzn-ErrorType`). */
  readErrorType?: (headers: Headers, bodyText: string) => string | undefined;
}

/** The entity name used in `InputError`s about a model server's answer. */
export const MODEL_RESPONSE_ENTITY = 'model response';

/**
 * Sends one POST and returns the parsed JSON body of a 2xx answer.
 * @throws TransientError (429, 5xx, timeout, unreachable), SystemError (auth, rejected),
 *   AbortedError (caller abort), InputError (a 2xx whose body is not JSON).
 */
export async function postJson(request: JsonPostRequest): Promise<unknown> {
  const timeoutSignal = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeoutSignal]) : timeoutSignal;
  const failureContext = {
    source: request.source,
    timeoutMs: request.timeoutMs,
    callerSignal: request.signal,
    timeoutSignal,
  };
  let response: Response;
  let bodyText: string;
  try {
    response = await request.fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal,
    });
    // The timeout covers the body too: a server that sends headers and then stalls is as stuck.
    bodyText = await response.text();
  } catch (error) {
    throw errorFromFetchFailure(error, failureContext);
  }
  if (response.status < 200 || response.status >= 300) {
    throw errorFromHttpResponse({
      status: response.status,
      source: request.source,
      retryAfterMs: parseRetryAfterMs(response.headers.get('retry-after')),
      serverMessage: extractServerMessage(bodyText),
      errorType: request.readErrorType?.(response.headers, bodyText),
    });
  }
  try {
    return JSON.parse(bodyText);
  } catch (error) {
    const preview = bodyText.length > 200 ? `${bodyText.slice(0, 200)}…` : bodyText;
    throw new InputError(
      MODEL_RESPONSE_ENTITY,
      request.source,
      [
        {
          path: '',
          message: `expected a JSON body, got ${JSON.stringify(preview)} (${(error as Error).message})`,
        },
      ],
      { cause: error },
    );
  }
}

/** Joins a base URL and a path without doubling or dropping the slash between them. */
export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
