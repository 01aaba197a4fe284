// The one place the console creates its SDK session. Browser mode: the access token lives in
// memory only, the refresh token in control-api's HttpOnly cookie (never in localStorage nor in
// reach of a script), so a reload resumes the session through the cookie.
import { createHelpdesklyClient, type ControlApiSchemas, type HelpdesklyClient, unwrap } from '@helpdeskly/sdk';

/** Who is signed in, to which tenant, with which role. */
export type SessionInfo = Pick<ControlApiSchemas['SessionDto'], 'user' | 'tenant' | 'role'>;

const signedOutListeners = new Set<() => void>();

/** Both APIs through the console's own origin (the dev/preview server and nginx proxy them). */
export const sdk: HelpdesklyClient = createHelpdesklyClient({
  controlUrl: `${window.location.origin}/api/control`,
  appUrl: `${window.location.origin}/api/app`,
  refreshTransport: 'cookie',
  onSignedOut: () => signedOutListeners.forEach((listener) => listener()),
});

/** Called when the session ends on its own (a refresh refused); returns the unsubscribe. */
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

/** A new session in another tenant of the user; its refresh cookie replaces the previous one. */
export async function switchTenant(tenantSlug: string): Promise<SessionInfo> {
  const next = await unwrap(sdk.control.POST('/v1/auth/switch-tenant', { body: { tenantSlug } }));
  sdk.session.set({ accessToken: next.accessToken });
  sdk.etags.clear();
  return next;
}

let resumed: Promise<SessionInfo | undefined> | undefined;

/**
 * The session of the refresh cookie, after a reload; undefined when there is none (a 401), so
 * the sign-in shows. Other failures (the API unreachable) are thrown. One attempt per page load:
 * the refresh token is single-use, and a second refresh with it (StrictMode runs effects twice
 * in development) would revoke the session.
 */
export function resumeSession(): Promise<SessionInfo | undefined> {
  resumed ??= resumeOnce();
  return resumed;
}

async function resumeOnce(): Promise<SessionInfo | undefined> {
  try {
    await sdk.resume();
  } catch (error) {
    if (error instanceof Error && 'status' in error && (error.status === 401 || error.status === 403)) return undefined;
    throw error;
  }
  const me = await unwrap(sdk.control.GET('/v1/auth/me'));
  const membership = me.memberships.find((m) => m.tenant.id === me.tenantId);
  if (!membership) return undefined;
  return { user: me.user, tenant: membership.tenant, role: me.role };
}
