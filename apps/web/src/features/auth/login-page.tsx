import { ProblemError } from '@helpdeskly/sdk';
import { type FormEvent, useState } from 'react';
import { ErrorAlert, Notice } from '../../components/alert';
import { Button } from '../../components/button';
import { TextField } from '../../components/field';
import { sdk } from '../../lib/api-client';
import { useAuth } from './auth-context';

interface TenantChoice {
  readonly slug: string;
  readonly name: string;
}

type Step =
  | { readonly kind: 'credentials' }
  | { readonly kind: 'tenant'; readonly tenants: readonly TenantChoice[] }
  | { readonly kind: 'two-factor'; readonly challengeToken: string; readonly recovery: boolean };

/** The tenants a 422 tenant_required lists: the password was right, the user picks one. */
function tenantsOf(error: unknown): TenantChoice[] | undefined {
  if (!(error instanceof ProblemError) || error.code !== 'tenant_required') return undefined;
  const tenants = error.problem.tenants;
  return Array.isArray(tenants) ? (tenants as TenantChoice[]) : undefined;
}

/** Email and password, then the tenant when the user has several, then the 2FA code when enabled. */
export function LoginPage() {
  const { signedIn, endedReason } = useAuth();
  const [step, setStep] = useState<Step>({ kind: 'credentials' });
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  const logIn = (tenantSlug?: string) =>
    run(async () => {
      try {
        const answer = await sdk.signIn({ email: email.trim(), password, ...(tenantSlug && { tenantSlug }) });
        if ('twoFactorRequired' in answer) {
          setCode('');
          setStep({ kind: 'two-factor', challengeToken: answer.challengeToken, recovery: false });
        } else signedIn(answer);
      } catch (caught) {
        const tenants = tenantsOf(caught);
        if (!tenants) throw caught;
        setStep({ kind: 'tenant', tenants });
      }
    });

  const submitCode = (challengeToken: string, recovery: boolean) =>
    run(async () => {
      const value = code.trim();
      signedIn(
        await sdk.completeTwoFactor({
          challengeToken,
          ...(recovery ? { recoveryCode: value } : { code: value.replace(/\s/g, '') }),
        }),
      );
    });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (step.kind === 'credentials') void logIn();
    if (step.kind === 'two-factor') void submitCode(step.challengeToken, step.recovery);
  }

  return (
    <main className="auth-page">
      <div className="auth-card">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true">
            H
          </span>
          Helpdeskly
        </div>
        {step.kind === 'credentials' && (
          <form onSubmit={onSubmit} noValidate>
            <h1 className="auth-title">Sign in to your helpdesk</h1>
            {endedReason && <Notice tone="warning">{endedReason}</Notice>}
            <TextField
              label="Email"
              type="email"
              autoComplete="username"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              required
              autoFocus
            />
            <TextField
              label="Password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
            {error !== undefined && <ErrorAlert error={error} />}
            <Button type="submit" variant="primary" className="btn-block" busy={busy} disabled={!email || !password}>
              Sign in
            </Button>
          </form>
        )}
        {step.kind === 'tenant' && (
          <div>
            <h1 className="auth-title">Choose a helpdesk</h1>
            <p className="muted">You belong to several. You can switch later from the sidebar.</p>
            {error !== undefined && <ErrorAlert error={error} />}
            <ul className="choice-list">
              {step.tenants.map((tenant) => (
                <li key={tenant.slug}>
                  <Button className="btn-block choice" busy={busy} onClick={() => void logIn(tenant.slug)}>
                    <span>{tenant.name}</span>
                    <span className="muted">{tenant.slug}</span>
                  </Button>
                </li>
              ))}
            </ul>
            <Button variant="ghost" onClick={() => setStep({ kind: 'credentials' })}>
              Back
            </Button>
          </div>
        )}
        {step.kind === 'two-factor' && (
          <form onSubmit={onSubmit} noValidate>
            <h1 className="auth-title">Two-factor authentication</h1>
            <TextField
              key={step.recovery ? 'recovery' : 'totp'}
              label={step.recovery ? 'Recovery code' : 'Code from your authenticator app'}
              hint={step.recovery ? 'One of the codes you saved when you turned on 2FA; each works once.' : '6 digits'}
              inputMode={step.recovery ? 'text' : 'numeric'}
              autoComplete="one-time-code"
              value={code}
              onChange={(e) => setCode(e.target.value)}
              required
              autoFocus
            />
            {error !== undefined && <ErrorAlert error={error} />}
            <Button type="submit" variant="primary" className="btn-block" busy={busy} disabled={!code.trim()}>
              Verify
            </Button>
            <Button
              variant="ghost"
              className="btn-block"
              onClick={() => {
                setCode('');
                setError(undefined);
                setStep({ ...step, recovery: !step.recovery });
              }}
            >
              {step.recovery ? 'Use the authenticator app instead' : 'Use a recovery code instead'}
            </Button>
          </form>
        )}
      </div>
    </main>
  );
}
