// What to do when a request fails after the SDK's own retries: give up on an abort, wait
// and retry the turn for transient failures, end the session for everything else. Every
// message is redacted, because error bodies and causes can echo request headers.
import { APIConnectionError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { redactSecrets } from '../util/secrets.js';
import { IncompleteStreamError } from './streamAccumulator.js';

export const MAX_TURN_RETRY_WAIT_MS = 30_000;
const BASE_TURN_RETRY_WAIT_MS = 1_000;

export type FailureVerdict =
  | { kind: 'aborted' }
  | { kind: 'transient'; status?: number | undefined; message: string; retryAfterMs?: number | undefined }
  | { kind: 'fatal'; status?: number | undefined; message: string };

const TRANSIENT_STATUS = (status: number): boolean => status === 408 || status === 409 || status === 429 || status >= 500;
/** Error types that can arrive as `event: error` inside a 200 stream and are worth a retry. */
const TRANSIENT_STREAM_ERROR_TYPES = new Set(['overloaded_error', 'api_error', 'rate_limit_error', 'timeout_error']);

function isAbort(error: unknown): boolean {
  return error instanceof APIUserAbortError || (error instanceof Error && error.name === 'AbortError');
}

/** Reads `retry-after-ms`, then `retry-after` (seconds or an HTTP date), from an API error. */
export function retryAfterFromHeaders(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(Number.parseFloat(ms))) return Math.max(0, Number.parseFloat(ms));
  const after = headers?.get('retry-after');
  if (!after) return undefined;
  const seconds = Number.parseFloat(after);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(after);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

function describeApiError(error: APIError): string {
  const apiMessage = error.apiMessage ?? error.message;
  const type = error.type ? ` ${error.type}` : '';
  const status = error.status !== undefined ? `API error ${error.status}${type}` : `API stream error${type}`;
  const requestId = error.requestID ? ` (request ${error.requestID})` : '';
  return `${status}: ${apiMessage}${requestId}`;
}

export function classifyFailure(error: unknown, signal?: AbortSignal): FailureVerdict {
  if (signal?.aborted || isAbort(error)) return { kind: 'aborted' };
  if (error instanceof APIConnectionError) {
    return { kind: 'transient', message: redactSecrets(`connection error: ${error.message}`) };
  }
  if (error instanceof APIError) {
    const message = redactSecrets(describeApiError(error));
    if (error.status === undefined) {
      // `event: error` inside a stream: the API's own overload/internal errors are worth a retry.
      return error.type && TRANSIENT_STREAM_ERROR_TYPES.has(error.type) ? { kind: 'transient', message } : { kind: 'fatal', message };
    }
    if (TRANSIENT_STATUS(error.status)) {
      return { kind: 'transient', status: error.status, message, retryAfterMs: retryAfterFromHeaders(error.headers) };
    }
    return { kind: 'fatal', status: error.status, message };
  }
  if (error instanceof IncompleteStreamError) return { kind: 'transient', message: error.message };
  // The SDK parses each SSE event's data with JSON.parse and lets its SyntaxError through.
  if (error instanceof SyntaxError) {
    return { kind: 'transient', message: redactSecrets(`the API sent a stream event that is not valid JSON (${error.message})`) };
  }
  // Reading the body of a stream whose connection was cut surfaces as a fetch TypeError.
  if (error instanceof TypeError && /terminated|fetch failed|socket|network/i.test(error.message)) {
    return { kind: 'transient', message: redactSecrets(`the response stream was cut: ${error.message}`) };
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { kind: 'fatal', message: redactSecrets(`unexpected failure: ${message}`) };
}

/** The wait before retry `attempt` (1-based): the server's retry-after, else exponential, capped at 30 s. */
export function turnRetryWaitMs(attempt: number, retryAfterMs: number | undefined): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, MAX_TURN_RETRY_WAIT_MS);
  return Math.min(BASE_TURN_RETRY_WAIT_MS * 2 ** (attempt - 1), MAX_TURN_RETRY_WAIT_MS);
}

/** Resolves after `ms`, or rejects with an AbortError as soon as `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
