// The one place the console creates its SDK session. The tokens live in this module's memory
// only (never localStorage): a reload asks for the password again. When the SDK's cookie refresh
// mode lands, switching to it is a change to this file alone.
import { createHelpdesklyClient, type ControlApiSchemas, type HelpdesklyClient, unwrap } from '@helpdeskly/sdk';

export type SessionInfo = ControlApiSchemas['SessionDto'];

const signedOutListeners = new Set<() => void>();

/** Both APIs through the console's own origin (the dev/preview server and nginx proxy them). */
export const sdk: HelpdesklyClient = createHelpdesklyClient({
  controlUrl: `${window.location.origin}/api/control`,
  appUrl: `${window.location.origin}/api/app`,
  onSignedOut: () => signedOutListeners.forEach((listener) => listener()),
});

/** Called when the session ends on its own (a refresh refused); returns the unsubscribe. */
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

/** A new session in another tenant of the user; the previous session is ended server-side. */
export async function switchTenant(tenantSlug: string): Promise<SessionInfo> {
  const previous = sdk.session.current?.refreshToken;
  const next = await unwrap(sdk.control.POST('/v1/auth/switch-tenant', { body: { tenantSlug } }));
  sdk.session.set({ accessToken: next.accessToken, refreshToken: next.refreshToken });
  sdk.etags.clear();
  if (previous !== undefined)
    await sdk.control.POST('/v1/auth/logout', { body: { refreshToken: previous } }).catch(() => undefined);
  return next;
}
