import type { DatabaseServer, Tenant } from './generated/control/client';

/**
 * URL by which app-api reaches a tenant's database: through its server's PgBouncer, as the tenant's
 * own role. Holds the password: never log it (the logger masks passwords inside URLs anyway).
 */
export function tenantPgBouncerUrl(
  tenant: Pick<Tenant, 'databaseName' | 'databaseRole'>,
  server: Pick<DatabaseServer, 'pgbouncerHost' | 'pgbouncerPort'>,
  password: string,
): string {
  const url = new URL('postgresql://placeholder');
  url.hostname = server.pgbouncerHost;
  url.port = String(server.pgbouncerPort);
  url.username = encodeURIComponent(tenant.databaseRole);
  url.password = encodeURIComponent(password);
  url.pathname = `/${encodeURIComponent(tenant.databaseName)}`;
  return url.toString();
}
