import { isRouteErrorResponse, Link, useRouteError } from 'react-router';
import { ErrorAlert } from '../components/alert';

/** What a route shows instead of a blank screen when rendering it failed, or for an unknown URL. */
export function RouteError() {
  const error = useRouteError();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  return (
    <main className="auth-page">
      <div className="auth-card">
        <h1 className="auth-title">{notFound ? 'This page does not exist' : 'This page could not be shown'}</h1>
        {!notFound && <ErrorAlert error={error} />}
        <Link to="/" className="btn btn-primary">
          Back to the inbox
        </Link>
      </div>
    </main>
  );
}
