import { HttpError, NetworkError } from './problem-error';

/** What a session holds: the access token sent as a bearer, the refresh token that renews it. */
export interface SessionTokens {
  readonly accessToken: string;
  /** Absent when the refresh lives elsewhere (a cookie, say): the refresh function knows where. */
  readonly refreshToken?: string;
}

/** New tokens for the session's current ones; rejects when they cannot be had. */
export type RefreshSession = (current: SessionTokens) => Promise<SessionTokens>;

export interface SessionOptions {
  readonly refresh: RefreshSession;
  /** Called with the new tokens after every sign-in and refresh, and with undefined when the session ends (to persist them). */
  readonly onTokens?: (tokens: SessionTokens | undefined) => void;
  /** Called once when a refresh was refused: the user must sign in again. */
  readonly onSignedOut?: (reason: unknown) => void;
}

/**
 * The tokens of one signed-in user, in memory, shared by the clients of both APIs. A refresh token
 * is single-use (control-api rotates it, and revokes the whole session when a spent one comes
 * back), so every request that finds its access token expired waits for the same one refresh.
 */
export class Session {
  private tokens?: SessionTokens;
  private pending?: Promise<string>;

  constructor(
    private readonly options: SessionOptions,
    tokens?: SessionTokens,
  ) {
    this.tokens = tokens;
  }

  get accessToken(): string | undefined {
    return this.tokens?.accessToken;
  }

  get current(): SessionTokens | undefined {
    return this.tokens;
  }

  /** Starts (or replaces) the session with tokens from a sign-in. */
  set(tokens: SessionTokens): void {
    this.tokens = tokens;
    this.options.onTokens?.(tokens);
  }

  /** Forgets the tokens (after a sign-out); a refresh under way no longer brings them back. */
  clear(): void {
    this.tokens = undefined;
    this.pending = undefined;
    this.options.onTokens?.(undefined);
  }

  /**
   * An access token to use instead of `expired`: the current one when another request already
   * renewed it, else the result of the one refresh in flight, started here when there is none.
   * A refresh that is refused (a 4xx) ends the session; a network failure, a 408, 429 or 5xx
   * leaves it as it was for a later attempt.
   */
  renew(expired: string): Promise<string> {
    if (this.tokens === undefined) return Promise.reject(new Error('Not signed in'));
    if (this.tokens.accessToken !== expired) return Promise.resolve(this.tokens.accessToken);
    const pending = (this.pending ??= this.refresh(this.tokens).finally(() => {
      if (this.pending === pending) this.pending = undefined;
    }));
    return pending;
  }

  private async refresh(from: SessionTokens): Promise<string> {
    let tokens: SessionTokens;
    try {
      tokens = await this.options.refresh(from);
    } catch (error) {
      if (this.tokens === from && !isTransient(error)) {
        this.clear();
        this.options.onSignedOut?.(error);
      }
      throw error;
    }
    // Signed out or in again meanwhile: that session wins over this refresh's.
    if (this.tokens !== from) {
      if (this.tokens === undefined) throw new Error('Signed out during the refresh');
      return this.tokens.accessToken;
    }
    this.set(tokens);
    return tokens.accessToken;
  }
}

/** Whether a failed refresh may succeed later, so the session must not end over it. */
export function isTransient(error: unknown): boolean {
  if (error instanceof NetworkError) return true;
  return error instanceof HttpError && (error.status === 408 || error.status === 429 || error.status >= 500);
}
