import type { ReactNode } from 'react';
import { errorMessage, requestIdOf } from '../lib/error-message';
import { Button } from './button';

/** An error in words (the problem's detail), with the request id support needs; role=alert. */
export function ErrorAlert({ error, onRetry }: { readonly error: unknown; readonly onRetry?: () => void }) {
  const requestId = requestIdOf(error);
  return (
    <div className="alert alert-error" role="alert">
      <p>{errorMessage(error)}</p>
      {requestId && <p className="alert-meta">Reference: {requestId}</p>}
      {onRetry && (
        <Button variant="secondary" onClick={onRetry}>
          Try again
        </Button>
      )}
    </div>
  );
}

export function Notice({
  tone = 'info',
  children,
}: {
  readonly tone?: 'info' | 'warning';
  readonly children: ReactNode;
}) {
  return (
    <div className={`alert alert-${tone}`} role="status">
      {children}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { readonly label?: string }) {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}
