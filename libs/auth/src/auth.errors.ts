import { type CodeOf, defineErrors } from '@helpdeskly/errors';

// RFC 6750: a 401 names the scheme the client should use.
const bearer = (error: string) => ({ 'www-authenticate': `Bearer error="${error}"` });

const auth = defineErrors('auth', {
  MissingToken: {
    code: 'missing_token',
    status: 401,
    title: 'Authentication required',
    headers: bearer('invalid_request'),
  },
  InvalidToken: { code: 'invalid_token', status: 401, title: 'Invalid token', headers: bearer('invalid_token') },
  TokenExpired: { code: 'token_expired', status: 401, title: 'Token expired', headers: bearer('invalid_token') },
  InsufficientRole: { code: 'insufficient_role', status: 403, title: 'Insufficient role' },
  SessionRevoked: { code: 'session_revoked', status: 401, title: 'Session revoked', headers: bearer('invalid_token') },
  RevocationUnavailable: {
    code: 'revocation_unavailable',
    status: 503,
    title: 'Session revocation unavailable',
    headers: { 'retry-after': '5' },
  },
});

export const AuthErrorCode = auth.codes;
export type AuthErrorCode = CodeOf<typeof AuthErrorCode>;

export class AuthException extends auth.Exception {}
