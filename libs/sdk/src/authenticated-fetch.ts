import type { ETagStore } from './etag-store';
import { errorOf, NetworkError, problemCodeOf } from './problem-error';
import type { Session } from './session';

/** The fetch of openapi-fetch: one Request in, its Response out. */
export type FetchLike = (request: Request) => Promise<Response>;

/** `fetch` with failures to connect as {@link NetworkError}s (an abort stays an abort). */
export async function send(fetch: FetchLike, request: Request): Promise<Response> {
  try {
    return await fetch(request);
  } catch (error) {
    if (request.signal.aborted) throw error;
    throw new NetworkError(request.method, request.url, { cause: error });
  }
}

/** `send`, then a non-2xx answer thrown as an HttpError (a ProblemError when it is problem details). */
export async function sendOrThrow(fetch: FetchLike, request: Request): Promise<Response> {
  const response = await send(fetch, request);
  if (!response.ok) throw await errorOf(request, response);
  return response;
}

/**
 * The fetch both API clients use: the session's access token as bearer (unless the request has
 * its own Authorization); on a 401 `token_expired`, the session's one shared refresh, then the
 * request once more with the new token (any 401 after that is thrown, never retried again); non-2xx
 * answers thrown; ETags of 2xx answers recorded.
 */
export function authenticatedFetch(fetch: FetchLike, session: Session, etags: ETagStore): FetchLike {
  return async (request) => {
    const token = request.headers.has('authorization') ? undefined : session.accessToken;
    // A body can be read once: keep a copy for the retry before the first attempt reads it.
    const retry = token === undefined ? undefined : request.clone();
    if (token !== undefined) request.headers.set('authorization', `Bearer ${token}`);
    let response = await send(fetch, request);
    if (retry !== undefined && response.status === 401 && (await problemCodeOf(response)) === 'token_expired') {
      let fresh: string;
      try {
        fresh = await session.renew(token!);
      } catch (error) {
        if (session.accessToken === undefined) throw await errorOf(request, response, { cause: error });
        throw error;
      }
      await response.body?.cancel();
      retry.headers.set('authorization', `Bearer ${fresh}`);
      request = retry;
      response = await send(fetch, request);
    }
    if (!response.ok) throw await errorOf(request, response);
    etags.record(request, response);
    return response;
  };
}
