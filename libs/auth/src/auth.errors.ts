import { DomainException } from '@helpdeskly/errors';

export enum AuthErrorCode {
  MissingToken = 'missing_token',
  InvalidToken = 'invalid_token',
  TokenExpired = 'token_expired',
  InsufficientRole = 'insufficient_role',
  SessionRevoked = 'session_revoked',
  RevocationUnavailable = 'revocation_unavailable',
}

const TABLE = {
  [AuthErrorCode.MissingToken]: { status: 401, title: 'Authentication required' },
  [AuthErrorCode.InvalidToken]: { status: 401, title: 'Invalid token' },
  [AuthErrorCode.TokenExpired]: { status: 401, title: 'Token expired' },
  [AuthErrorCode.InsufficientRole]: { status: 403, title: 'Insufficient role' },
  [AuthErrorCode.SessionRevoked]: { status: 401, title: 'Session revoked' },
  [AuthErrorCode.RevocationUnavailable]: { status: 503, title: 'Session revocation unavailable' },
};

export class AuthException extends DomainException<AuthErrorCode> {
  constructor(code: AuthErrorCode, detail?: string) {
    // RFC 6750: a 401 names the scheme the client should use.
    super(TABLE, code, detail, { headers: headersFor(code) });
  }
}

function headersFor(code: AuthErrorCode): Record<string, string> {
  if (TABLE[code].status === 401)
    return {
      'www-authenticate': `Bearer error="${code === AuthErrorCode.MissingToken ? 'invalid_request' : 'invalid_token'}"`,
    };
  return code === AuthErrorCode.RevocationUnavailable ? { 'retry-after': '5' } : {};
}
