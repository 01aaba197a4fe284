import {
  applyDecorators,
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiHeader } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, map, type Observable, throwError } from 'rxjs';
import { AppConfig } from '@helpdeskly/config';
import { ApiProblems } from '@helpdeskly/errors';
import { allowedOrigins, SESSION_TRANSPORT_HEADER } from '@helpdeskly/http';
import { AuthenticationErrorCode, AuthenticationException } from '../auth.errors';

/** The one value of X-Session-Transport: the refresh token travels in {@link REFRESH_COOKIE}. */
export const COOKIE_TRANSPORT = 'cookie';
/** `__Secure-`: a browser keeps it only when it was set Secure, so no plain-HTTP page can plant one. */
export const REFRESH_COOKIE = '__Secure-helpdeskly-refresh';
/** The narrowest path that covers /v1/auth/refresh and /v1/auth/logout. */
export const REFRESH_COOKIE_PATH = '/v1/auth';

const COOKIE_ATTRIBUTES = { path: REFRESH_COOKIE_PATH, httpOnly: true, secure: true, sameSite: 'strict' } as const;

/** What a route does with the refresh cookie besides setting it from a `refreshToken` it answers. */
export interface SessionCookieRole {
  /** Takes the refresh token (refresh, logout): from the cookie in the cookie flow, as `body.refreshToken`. */
  readonly reads?: boolean;
  /** Ends the session (logout, logout-all): the cookie is cleared. */
  readonly clears?: boolean;
}

const SESSION_COOKIE_ROLE = Symbol('session-cookie-role');

/**
 * The browser flow of a route that issues or takes refresh tokens: with `X-Session-Transport:
 * cookie` and an allowed Origin, the refresh token goes out as an HttpOnly cookie (never in the
 * body) and comes back from it; without the header the route is the body flow it always was.
 */
export const SessionCookie = (role: SessionCookieRole = {}) =>
  applyDecorators(
    SetMetadata(SESSION_COOKIE_ROLE, role),
    UseInterceptors(SessionCookieInterceptor),
    ApiHeader({
      name: SESSION_TRANSPORT_HEADER,
      required: false,
      enum: [COOKIE_TRANSPORT],
      description: `A browser's opt-in: the refresh token is the HttpOnly cookie ${REFRESH_COOKIE} (Path=${REFRESH_COOKIE_PATH}) instead of \`refreshToken\` in the bodies; Origin must be an allowed front-end origin (docs/authentication.md).`,
    }),
    ApiProblems(AuthenticationErrorCode.CsrfRejected, AuthenticationErrorCode.UnknownSessionTransport),
  );

/** Every request that may carry a token goes through here, so the guard comes before any token is read. */
@Injectable()
export class SessionCookieInterceptor implements NestInterceptor {
  private readonly origins: ReadonlySet<string>;

  constructor(
    private readonly reflector: Reflector,
    config: AppConfig,
  ) {
    this.origins = new Set(allowedOrigins(config));
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const role = this.reflector.get<SessionCookieRole>(SESSION_COOKIE_ROLE, context.getHandler()) ?? {};
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const transport = request.headers[SESSION_TRANSPORT_HEADER];
    const cookie = request.cookies?.[REFRESH_COOKIE];
    if (transport === undefined) {
      // The body flow; a refresh cookie sent without the header is what a forged cross-site request looks like.
      if (role.reads && cookie !== undefined && !hasBodyToken(request))
        throw new AuthenticationException(
          AuthenticationErrorCode.CsrfRejected,
          `The refresh cookie is only taken with ${SESSION_TRANSPORT_HEADER}: ${COOKIE_TRANSPORT}.`,
        );
      return next.handle();
    }
    if (transport !== COOKIE_TRANSPORT)
      throw new AuthenticationException(
        AuthenticationErrorCode.UnknownSessionTransport,
        `${SESSION_TRANSPORT_HEADER} takes one value: ${COOKIE_TRANSPORT}.`,
      );
    this.assertAllowedOrigin(request);
    if (role.reads) {
      if (cookie === undefined || cookie === '')
        throw new AuthenticationException(
          AuthenticationErrorCode.InvalidRefreshToken,
          `No ${REFRESH_COOKIE} cookie came with the request.`,
        );
      // The global validation pipe runs after this and validates the token as the body flow's.
      request.body = { ...(isObject(request.body) ? request.body : {}), refreshToken: cookie };
    }
    return next.handle().pipe(
      map((answer: unknown) => {
        if (role.clears) clearRefreshCookie(reply);
        return isObject(answer) && typeof answer.refreshToken === 'string' ? moveToCookie(answer, reply) : answer;
      }),
      // A refused refresh token is spent or revoked: the browser should not send it again.
      catchError((error: unknown) => {
        if (role.reads && isRefusedToken(error)) clearRefreshCookie(reply);
        return throwError(() => error);
      }),
    );
  }

  /** Origin, or the Referer's origin when a browser sent none, must be one of the front-end's. */
  private assertAllowedOrigin(request: FastifyRequest): void {
    const origin = request.headers.origin ?? originOf(request.headers.referer);
    if (origin !== undefined && this.origins.has(origin)) return;
    throw new AuthenticationException(
      AuthenticationErrorCode.CsrfRejected,
      origin === undefined
        ? 'A cookie-flow request needs an Origin (or Referer) header.'
        : `The origin ${origin} is not an allowed front-end origin.`,
    );
  }
}

/** Sets the cookie for the token's lifetime and answers the rest of the body. */
function moveToCookie(answer: Record<string, unknown>, reply: FastifyReply): Record<string, unknown> {
  const { refreshToken, ...rest } = answer;
  const expiresAt = answer.refreshTokenExpiresAt;
  const maxAge =
    expiresAt instanceof Date ? Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000)) : undefined;
  void reply.setCookie(REFRESH_COOKIE, refreshToken as string, { ...COOKIE_ATTRIBUTES, maxAge });
  return rest;
}

function clearRefreshCookie(reply: FastifyReply): void {
  void reply.clearCookie(REFRESH_COOKIE, COOKIE_ATTRIBUTES);
}

function isRefusedToken(error: unknown): boolean {
  return (
    error instanceof AuthenticationException &&
    (error.code === AuthenticationErrorCode.InvalidRefreshToken ||
      error.code === AuthenticationErrorCode.RefreshTokenReused)
  );
}

const hasBodyToken = (request: FastifyRequest): boolean =>
  isObject(request.body) && request.body.refreshToken !== undefined;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function originOf(referer: string | undefined): string | undefined {
  if (referer === undefined) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}
