import { ObjectNotFoundError, StorageError, StorageUnavailableError } from './storage.errors';

/** Node's codes for a connection that failed, dropped or never resolved its host. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ETIMEDOUT',
]);
/** Per-key codes of DeleteObjects (and service error names) that mean "the store, not the request". */
const SERVER_CODES = new Set(['InternalError', 'ServiceUnavailable', 'SlowDown', 'RequestTimeout']);

interface SdkError {
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/**
 * The typed error of an AWS SDK failure about `key`: a missing key is {@link ObjectNotFoundError};
 * a 5xx, a throttle, a timeout or a network failure {@link StorageUnavailableError}. Anything else
 * (access denied, no such bucket: a misconfiguration) and our own errors are returned unchanged.
 */
export function storageErrorOf(error: unknown, key: string): unknown {
  if (error instanceof StorageError || typeof error !== 'object' || error === null) return error;
  const e = error as SdkError;
  const status = e.$metadata?.httpStatusCode;
  if (e.name === 'NoSuchKey' || (e.name === 'NotFound' && status === 404))
    return new ObjectNotFoundError(key, { cause: error });
  const unavailable =
    (status !== undefined && (status >= 500 || status === 429)) ||
    SERVER_CODES.has(e.name ?? '') ||
    e.name === 'TimeoutError' ||
    NETWORK_CODES.has(e.code ?? '');
  if (unavailable)
    return new StorageUnavailableError(`Object storage unavailable (${key}): ${e.name ?? e.code}: ${e.message}`, {
      cause: error,
    });
  return error;
}

/** The first per-key failure of a DeleteObjects answer as an error. */
export function deleteErrorOf(failure: { Key?: string; Code?: string; Message?: string }): StorageError {
  const message = `Object storage could not delete ${JSON.stringify(failure.Key)}: ${failure.Code}: ${failure.Message}`;
  return SERVER_CODES.has(failure.Code ?? '') ? new StorageUnavailableError(message) : new StorageError(message);
}
