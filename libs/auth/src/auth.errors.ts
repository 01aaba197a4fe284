import { DomainException } from '@helpdeskly/errors';

export enum AuthErrorCode {
  MissingToken = 'missing_token',
  InvalidToken = 'invalid_token',
  TokenExpired = 'token_expired',
  InsufficientRole = 'insufficient_role',
}

const TABLE = {
  [AuthErrorCode.MissingToken]: { status: 401, title: 'Authentication required' },
  [AuthErrorCode.InvalidToken]: { status: 401, title: 'Invalid token' },
  [AuthErrorCode.TokenExpired]: { status: 401, title: 'Token expired' },
  [AuthErrorCode.InsufficientRole]: { status: 403, title: 'Insufficient role' },
};

export class AuthException extends DomainException<AuthErrorCode> {
  constructor(code: AuthErrorCode, detail?: string) {
    // RFC 6750: a 401 names the scheme the client should use.
    super(TABLE, code, detail, TABLE[code].status === 401 ? { headers: { 'www-authenticate': `Bearer error="${code === AuthErrorCode.MissingToken ? 'invalid_request' : 'invalid_token'}"` } } : {});
  }
}
