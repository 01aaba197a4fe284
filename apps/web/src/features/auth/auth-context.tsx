import { unwrap } from '@helpdeskly/sdk';
import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { onSignedOut, resumeSession, type SessionInfo, sdk, switchTenant } from '../../lib/api-client';

export type Role = SessionInfo['role'];

interface Auth {
  /** Who is signed in, to which tenant; undefined before sign-in. */
  readonly session?: SessionInfo;
  /** True while a reload's session is being resumed from the refresh cookie. */
  readonly resuming: boolean;
  /** Why the last session ended on its own (or could not be resumed), to say so on the login page. */
  readonly endedReason?: string;
  signedIn(session: SessionInfo): void;
  signOut(): Promise<void>;
  switchTo(tenantSlug: string): Promise<void>;
}

const AuthContext = createContext<Auth | undefined>(undefined);

/** The signed-in user and tenant. The cached server state is dropped whenever either changes. */
export function AuthProvider({ children }: { readonly children: ReactNode }) {
  const queryClient = useQueryClient();
  const [session, setSession] = useState<SessionInfo>();
  const [endedReason, setEndedReason] = useState<string>();
  const [resuming, setResuming] = useState(true);

  useEffect(() => {
    let current = true;
    resumeSession()
      .then((resumed) => current && resumed && setSession((signed) => signed ?? resumed))
      .catch(() => current && setEndedReason('Your session could not be resumed. Sign in again.'))
      .finally(() => current && setResuming(false));
    return () => {
      current = false;
    };
  }, []);

  useEffect(
    () =>
      onSignedOut(() => {
        setSession(undefined);
        setEndedReason('Your session ended. Sign in again to continue.');
        queryClient.clear();
      }),
    [queryClient],
  );

  const signedIn = useCallback(
    (next: SessionInfo) => {
      queryClient.clear();
      setEndedReason(undefined);
      setSession(next);
    },
    [queryClient],
  );

  const signOut = useCallback(async () => {
    try {
      await sdk.signOut();
    } finally {
      queryClient.clear();
      setSession(undefined);
    }
  }, [queryClient]);

  const switchTo = useCallback(
    async (tenantSlug: string) => {
      const next = await switchTenant(tenantSlug);
      queryClient.clear();
      setSession(next);
    },
    [queryClient],
  );

  const value = useMemo(
    () => ({ session, resuming, endedReason, signedIn, signOut, switchTo }),
    [session, resuming, endedReason, signedIn, signOut, switchTo],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside AuthProvider');
  return auth;
}

/** The signed-in session; for pages behind the sign-in. */
export function useSession(): SessionInfo {
  const { session } = useAuth();
  if (!session) throw new Error('useSession without a session');
  return session;
}

/** The user's memberships (GET /v1/auth/me), for the tenant switcher. */
export const meQuery = () => ({
  queryKey: ['me'],
  queryFn: () => unwrap(sdk.control.GET('/v1/auth/me')),
});
