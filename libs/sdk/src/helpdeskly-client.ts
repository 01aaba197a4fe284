import createClient, { type Client } from 'openapi-fetch';
import { authenticatedFetch, type FetchLike, sendOrThrow } from './authenticated-fetch';
import { ETagStore } from './etag-store';
import type { components as AppApiComponents, paths as AppApiPaths } from './generated/app-api';
import type { components as ControlApiComponents, paths as ControlApiPaths } from './generated/control-api';
import { type RefreshSession, Session, type SessionTokens } from './session';

export type { AppApiPaths, ControlApiPaths };
/** The schemas of control-api's document: `ControlApiSchemas['SessionDto']`. */
export type ControlApiSchemas = ControlApiComponents['schemas'];
/** The schemas of app-api's document: `AppApiSchemas['TicketDto']`. */
export type AppApiSchemas = AppApiComponents['schemas'];

export interface HelpdesklyClientOptions {
  /** Where control-api answers (sign-in, tenants, members), e.g. `https://control.helpdeskly.dev`. */
  readonly controlUrl: string;
  /** Where app-api answers (tickets, comments, contacts), e.g. `https://app.helpdeskly.dev`. */
  readonly appUrl: string;
  /** Tokens of a session to resume (from where {@link onTokens} kept them). */
  readonly tokens?: SessionTokens;
  /** How to renew the tokens; default: POST /v1/auth/refresh of control-api with the refresh token. */
  readonly refresh?: RefreshSession;
  /** Called with the new tokens after a sign-in or refresh, undefined when the session ends. */
  readonly onTokens?: (tokens: SessionTokens | undefined) => void;
  /** Called when a refresh was refused and the user must sign in again. */
  readonly onSignedOut?: (reason: unknown) => void;
  /** Default: the global fetch (a browser's, Node's). */
  readonly fetch?: FetchLike;
  /**
   * Where the refresh token travels. `body` (default): in the JSON bodies, held by the session.
   * `cookie`, for a browser app: control-api keeps it in an HttpOnly cookie the page cannot read;
   * every control-api request sends `X-Session-Transport: cookie` with credentials, and the session
   * holds only the access token, in memory (docs/authentication.md, "Sessions in a browser").
   */
  readonly refreshTransport?: 'body' | 'cookie';
}

/** control-api's opt-in to the refresh token as a cookie. */
export const SESSION_TRANSPORT_HEADER = 'x-session-transport';

export type LoginBody = ControlApiSchemas['LoginDto'];
export type SignInAnswer = ControlApiSchemas['SessionDto'] | ControlApiSchemas['TwoFactorChallengeDto'];

export interface HelpdesklyClient {
  /** Typed client of control-api: `control.GET('/v1/auth/me')`. */
  readonly control: Client<ControlApiPaths>;
  /** Typed client of app-api: `app.GET('/v1/tickets/{id}', { params: { path: { id } } })`. */
  readonly app: Client<AppApiPaths>;
  readonly session: Session;
  readonly etags: ETagStore;
  /** POST /v1/auth/login; a SessionDto starts the session, a TwoFactorChallengeDto goes to {@link completeTwoFactor}. */
  signIn(body: LoginBody): Promise<SignInAnswer>;
  /** POST /v1/auth/login/2fa with the challenge of {@link signIn}; starts the session. */
  completeTwoFactor(body: ControlApiSchemas['LoginTwoFactorDto']): Promise<ControlApiSchemas['SessionDto']>;
  /**
   * A new session from the refresh token alone (POST /v1/auth/refresh): in browser mode, after a
   * page load, whose memory held no access token; throws (a ProblemError 401) when there is none.
   */
  resume(): Promise<void>;
  /** POST /v1/auth/logout (ends the session server-side), then forgets the tokens and ETags. */
  signOut(): Promise<void>;
  /** `If-Match` with the last ETag app-api (or control-api) answered for `path`; throws when none was seen. */
  ifMatch(path: string, api?: 'app' | 'control'): { 'If-Match': string };
}

/**
 * Clients of both APIs sharing one session: the bearer token on every request, one refresh for
 * all requests that find it expired, non-2xx answers thrown as ProblemError (HttpError when not
 * problem details) and failures to connect as NetworkError. docs/sdk.md shows it in use.
 */
export function createHelpdesklyClient(options: HelpdesklyClientOptions): HelpdesklyClient {
  const fetch: FetchLike = options.fetch ?? ((request) => globalThis.fetch(request));
  const controlUrl = options.controlUrl.replace(/\/+$/, '');
  const appUrl = options.appUrl.replace(/\/+$/, '');
  const cookie = options.refreshTransport === 'cookie';
  // The cookie flow: the opt-in header and the cookie (credentials) on every control-api request.
  const transport = cookie
    ? { credentials: 'include' as const, headers: { [SESSION_TRANSPORT_HEADER]: 'cookie' } }
    : {};
  // The refresh itself bypasses the session: its 401 must end it, not ask for another refresh.
  const unauthenticated = createClient<ControlApiPaths>({
    baseUrl: controlUrl,
    fetch: (r) => sendOrThrow(fetch, r),
    ...transport,
  });
  /** POST to an auth route that takes the refresh cookie: no body, the browser sends the cookie. */
  const withCookie = (path: '/v1/auth/refresh' | '/v1/auth/logout') =>
    sendOrThrow(fetch, new Request(`${controlUrl}${path}`, { method: 'POST', ...transport }));
  const refresh: RefreshSession =
    options.refresh ??
    (cookie
      ? async () => tokensOf((await (await withCookie('/v1/auth/refresh')).json()) as ControlApiSchemas['SessionDto'])
      : async ({ refreshToken }) => {
          if (refreshToken === undefined) throw new Error('No refresh token to renew the session with');
          const { data } = await unauthenticated.POST('/v1/auth/refresh', { body: { refreshToken } });
          return tokensOf(data!);
        });
  const session = new Session(
    { refresh, onTokens: options.onTokens, onSignedOut: options.onSignedOut },
    options.tokens,
  );
  const etags = new ETagStore();
  const authenticated = authenticatedFetch(fetch, session, etags);
  const control = createClient<ControlApiPaths>({ baseUrl: controlUrl, fetch: authenticated, ...transport });
  const app = createClient<AppApiPaths>({ baseUrl: appUrl, fetch: authenticated });

  return {
    control,
    app,
    session,
    etags,
    async signIn(body) {
      const { data } = await unauthenticated.POST('/v1/auth/login', { body });
      if ('accessToken' in data!) session.set(tokensOf(data));
      return data!;
    },
    async completeTwoFactor(body) {
      const { data } = await unauthenticated.POST('/v1/auth/login/2fa', { body });
      session.set(tokensOf(data!));
      return data!;
    },
    async resume() {
      session.set(await refresh(session.current ?? { accessToken: '' }));
    },
    async signOut() {
      const refreshToken = session.current?.refreshToken;
      try {
        if (cookie) await withCookie('/v1/auth/logout');
        else if (refreshToken !== undefined) await unauthenticated.POST('/v1/auth/logout', { body: { refreshToken } });
      } finally {
        session.clear();
        etags.clear();
      }
    },
    ifMatch(path, api = 'app') {
      const url = `${api === 'app' ? appUrl : controlUrl}${path}`;
      const etag = etags.get(url);
      if (etag === undefined) throw new Error(`No ETag seen for ${url}: read it before changing it`);
      return { 'If-Match': etag };
    },
  };
}

/** The cookie flow's answers have no refreshToken: the session then holds the access token alone. */
const tokensOf = ({ accessToken, refreshToken }: ControlApiSchemas['SessionDto']): SessionTokens =>
  refreshToken === undefined ? { accessToken } : { accessToken, refreshToken };

/**
 * The data of a call whose errors are thrown (every call of {@link createHelpdesklyClient}'s
 * clients), typed without `undefined`: `const ticket = await unwrap(sdk.app.GET(...))`.
 */
export async function unwrap<T>(call: Promise<{ data?: T; response: Response }>): Promise<T> {
  return (await call).data as T;
}
