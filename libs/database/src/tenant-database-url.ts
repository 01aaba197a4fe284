import type { DatabaseServer, Tenant } from './generated/control/client';

/** The role all tenant traffic logs in as, and its password (TENANT_GATEWAY_ROLE, TENANT_GATEWAY_PASSWORD). */
export interface GatewayCredentials {
  readonly role: string;
  readonly password: string;
}

/**
 * URL by which app-api reaches a tenant's database: through its server's PgBouncer, as the gateway
 * role, which the database itself switches to the tenant's role at login (ALTER ROLE ... IN
 * DATABASE ... SET role). Holds the password: never log it (the logger masks passwords in URLs).
 */
export function tenantPgBouncerUrl(
  tenant: Pick<Tenant, 'databaseName'>,
  server: Pick<DatabaseServer, 'pgbouncerHost' | 'pgbouncerPort'>,
  gateway: GatewayCredentials,
): string {
  const url = new URL('postgresql://placeholder');
  url.hostname = server.pgbouncerHost;
  url.port = String(server.pgbouncerPort);
  url.username = encodeURIComponent(gateway.role);
  url.password = encodeURIComponent(gateway.password);
  url.pathname = `/${encodeURIComponent(tenant.databaseName)}`;
  return url.toString();
}
