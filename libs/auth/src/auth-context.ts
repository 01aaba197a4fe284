export const MEMBERSHIP_ROLES = ['OWNER', 'ADMIN', 'AGENT'] as const;
export type MembershipRoleName = (typeof MEMBERSHIP_ROLES)[number];

/** Who is calling, as proven by a verified access token; set on the request by the guard. */
export interface AuthContext {
  readonly userId: string;
  readonly tenantId: string;
  /** The role when the token was signed: what it tells the client, never what access is checked against. */
  readonly role: MembershipRoleName;
  readonly isPlatformAdmin: boolean;
  /** The token's id, for audit lines. */
  readonly tokenId: string;
  /** The session (refresh token family) the token was issued for (`sid`): what logout revokes. */
  readonly sessionId: string;
  /** When the token was issued, in seconds since the epoch (`iat`). */
  readonly issuedAt: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth?: AuthContext;
  }
}
