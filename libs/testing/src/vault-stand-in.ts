import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

interface Token {
  readonly expiresAt: number;
}

interface Version {
  readonly data: Record<string, unknown>;
  readonly createdTime: string;
  readonly deletedAt?: string;
}

export interface VaultRequest {
  readonly method: string;
  readonly path: string;
  readonly token?: string;
  readonly namespace?: string;
}

/**
 * NOT HashiCorp Vault: a stand-in HTTP server implementing the few endpoints of Vault's HTTP API
 * that Helpdeskly calls, with Vault's request and response shapes, so the secrets provider is
 * tested over real HTTP. Real Vault cannot be installed on the test machines (no Debian package;
 * releases.hashicorp.com is unreachable). Implemented:
 *
 * - `GET /v1/sys/health` (200 unsealed, 503 sealed)
 * - `POST /v1/auth/<approle mount>/login` with `role_id` + `secret_id` → a client token with a lease
 * - `GET /v1/<kv mount>/data/<path>` (KV version 2 read: `data.data`, `data.metadata.version`;
 *   404 never written or deleted; 403 without a valid token) and `POST|PUT` of the same path (a
 *   KV v2 write of `{ data }`, a new version), `DELETE` (soft delete of the latest version)
 *
 * Policies, namespaces and leases of secrets are not modelled: any valid token reads and writes
 * everything. Tests drive it directly: {@link put}, {@link revokeTokens}, {@link seal},
 * {@link stop}/{@link start} (an outage on the same port), and {@link requests}.
 */
export class VaultStandIn {
  readonly rootToken = `hvs.${randomBytes(18).toString('base64url')}`;
  readonly roleId = randomUUID();
  readonly secretId = randomUUID();
  /** Lease of the tokens AppRole logins hand out. */
  loginLeaseSeconds = 3600;
  readonly requests: VaultRequest[] = [];
  private readonly tokens = new Map<string, Token>([[this.rootToken, { expiresAt: Number.POSITIVE_INFINITY }]]);
  private readonly kv = new Map<string, Version[]>();
  private readonly sockets = new Set<Socket>();
  private server?: Server;
  private sealed = false;
  port = 0;

  constructor(private readonly options: { kvMount?: string; appRoleMount?: string } = {}) {}

  get addr(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Listens on `port` (0: a free one; the previous port after {@link stop}). */
  async start(port = this.port): Promise<this> {
    const server = createServer((request, response) => void this.handle(request, response));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  /** Stops answering (connections refused), as an outage would; {@link start} resumes on the same port. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Sealed: every endpoint answers 503, as a sealed Vault does. */
  seal(sealed = true): void {
    this.sealed = sealed;
  }

  /** Writes a new version of the KV v2 secret at `path` (under the mount, e.g. `helpdeskly/jwt`). */
  put(path: string, data: Record<string, unknown>): number {
    const versions = this.kv.get(path) ?? [];
    versions.push({ data: { ...data }, createdTime: new Date().toISOString() });
    this.kv.set(path, versions);
    return versions.length;
  }

  /** Soft-deletes the latest version, as `vault kv delete` does: reads answer 404. */
  delete(path: string): void {
    const versions = this.kv.get(path);
    if (versions?.length) versions[versions.length - 1] = { ...versions.at(-1)!, deletedAt: new Date().toISOString() };
  }

  /** Revokes every token but the root token (AppRole clients must log in again). */
  revokeTokens(): void {
    for (const token of this.tokens.keys()) if (token !== this.rootToken) this.tokens.delete(token);
  }

  /** AppRole logins answered so far. */
  logins(): number {
    return this.requests.filter((r) => r.method === 'POST' && r.path.startsWith(`/v1/auth/${this.appRoleMount}/login`))
      .length;
  }

  /** KV reads of `path` answered so far. */
  reads(path: string): number {
    return this.requests.filter((r) => r.method === 'GET' && r.path === `/v1/${this.kvMount}/data/${path}`).length;
  }

  private get kvMount(): string {
    return this.options.kvMount ?? 'secret';
  }

  private get appRoleMount(): string {
    return this.options.appRoleMount ?? 'approle';
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://vault');
    const token = header(request, 'x-vault-token');
    this.requests.push({
      method: request.method ?? 'GET',
      path: url.pathname,
      token,
      namespace: header(request, 'x-vault-namespace'),
    });
    const body = await readBody(request);
    if (this.sealed) return send(response, 503, { errors: ['Vault is sealed'] });

    if (url.pathname === '/v1/sys/health')
      return send(response, 200, { initialized: true, sealed: false, standby: false, version: 'stand-in' });

    if (url.pathname === `/v1/auth/${this.appRoleMount}/login` && request.method === 'POST') {
      const { role_id: roleId, secret_id: secretId } = (body ?? {}) as { role_id?: string; secret_id?: string };
      if (!roleId) return send(response, 400, { errors: ['missing role_id'] });
      if (roleId !== this.roleId || secretId !== this.secretId)
        return send(response, 400, { errors: ['invalid role or secret ID'] });
      const clientToken = `hvs.${randomBytes(18).toString('base64url')}`;
      this.tokens.set(clientToken, { expiresAt: Date.now() + this.loginLeaseSeconds * 1000 });
      return send(response, 200, {
        request_id: randomUUID(),
        lease_id: '',
        renewable: false,
        lease_duration: 0,
        data: null,
        auth: {
          client_token: clientToken,
          accessor: randomUUID(),
          policies: ['default', 'helpdeskly'],
          token_policies: ['default', 'helpdeskly'],
          lease_duration: this.loginLeaseSeconds,
          renewable: true,
        },
      });
    }

    const prefix = `/v1/${this.kvMount}/data/`;
    if (url.pathname.startsWith(prefix)) {
      const known = token ? this.tokens.get(token) : undefined;
      if (!known || known.expiresAt <= Date.now()) return send(response, 403, { errors: ['permission denied'] });
      const path = url.pathname.slice(prefix.length).split('/').map(decodeURIComponent).join('/');
      if (request.method === 'GET') {
        const latest = this.kv.get(path)?.at(-1);
        const versions = this.kv.get(path)?.length ?? 0;
        if (!latest) return send(response, 404, { errors: [] });
        const metadata = {
          created_time: latest.createdTime,
          custom_metadata: null,
          deletion_time: latest.deletedAt ?? '',
          destroyed: false,
          version: versions,
        };
        if (latest.deletedAt) return send(response, 404, { data: { data: null, metadata } });
        return send(response, 200, {
          request_id: randomUUID(),
          lease_id: '',
          renewable: false,
          lease_duration: 0,
          data: { data: latest.data, metadata },
          wrap_info: null,
          warnings: null,
          auth: null,
        });
      }
      if (request.method === 'POST' || request.method === 'PUT') {
        const data = (body as { data?: Record<string, unknown> } | undefined)?.data;
        if (!data || typeof data !== 'object') return send(response, 400, { errors: ['no data provided'] });
        const version = this.put(path, data);
        return send(response, 200, {
          data: { created_time: new Date().toISOString(), deletion_time: '', destroyed: false, version },
        });
      }
      if (request.method === 'DELETE') {
        this.delete(path);
        return send(response, 204);
      }
    }
    return send(response, 404, { errors: [] });
  }
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

function send(response: ServerResponse, status: number, body?: unknown): void {
  response.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
  response.end(body === undefined ? undefined : JSON.stringify(body));
}
