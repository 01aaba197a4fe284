import type { VaultConfig } from '@helpdeskly/config';
import { BreakerOpenError, type OutboundHttp, UpstreamError } from '@helpdeskly/resilience';

/** A KV v2 secret: its fields and version. */
export interface KvSecret {
  readonly data: Readonly<Record<string, unknown>>;
  readonly version?: number;
}

/** Vault could not be asked, or refused; `status` is Vault's HTTP status when it answered. */
export class VaultError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'VaultError';
  }
}

/** The breaker (and the metric label) of every call to Vault: `http:vault`. */
const SERVICE = 'vault';

/**
 * The few Vault HTTP API calls Helpdeskly makes: KV v2 reads (`GET /v1/<mount>/data/<path>`),
 * AppRole login (`POST /v1/auth/<mount>/login`) and `GET /v1/sys/health`, through the `http:vault`
 * circuit breaker. With AppRole the token is renewed by logging in again before its lease ends,
 * or at once when Vault answers 403 (a revoked or expired token).
 */
export class VaultClient {
  private token?: string;
  private tokenRenewAt = Number.POSITIVE_INFINITY;
  private login?: Promise<string>;

  constructor(
    private readonly config: VaultConfig,
    private readonly http: OutboundHttp,
  ) {
    if (config.auth.method === 'token') this.token = config.auth.token;
  }

  /** Address of a secret under Helpdeskly's path, as Vault's CLI names it (for messages). */
  describe(name: string): string {
    return `${this.config.kvMount}/data/${this.config.path}/${name}`;
  }

  /** The secret at `<path>/<name>`; undefined when there is none (never written, or deleted). */
  async read(name: string): Promise<KvSecret | undefined> {
    const path = `/v1/${this.config.kvMount}/data/${this.config.path}/${name.split('/').map(encodeURIComponent).join('/')}`;
    const response = await this.authorized('GET', path);
    if (response.status === 404) return undefined;
    if (!response.ok) throw await this.refusal(response, `reading ${this.describe(name)}`);
    const body = (await response.json().catch(() => undefined)) as
      { data?: { data?: unknown; metadata?: { version?: number } } } | undefined;
    const data = body?.data?.data;
    if (!data || typeof data !== 'object')
      throw new VaultError(
        `Vault answered ${this.describe(name)} without KV version 2 data (is ${this.config.kvMount} a KV v2 mount?)`,
        response.status,
      );
    return { data: data as Record<string, unknown>, version: body?.data?.metadata?.version };
  }

  /** Vault answers its health endpoint as initialised and unsealed (active or standby). */
  async healthy(): Promise<boolean> {
    try {
      // standbyok/perfstandbyok: a standby node serves reads by forwarding them.
      const response = await this.call(
        'GET',
        '/v1/sys/health?standbyok=true&perfstandbyok=true',
        undefined,
        undefined,
        Math.min(this.config.timeoutMs, 2_000),
      );
      await response.body?.cancel();
      return response.ok;
    } catch {
      return false;
    }
  }

  private async authorized(method: string, path: string, retried = false): Promise<Response> {
    const token = await this.currentToken();
    const response = await this.call(method, path, token);
    if (response.status === 403 && this.config.auth.method === 'approle' && !retried) {
      await response.body?.cancel();
      this.token = undefined; // revoked or expired before its lease said: log in again, once
      return this.authorized(method, path, true);
    }
    return response;
  }

  private async currentToken(): Promise<string> {
    if (this.token && Date.now() < this.tokenRenewAt) return this.token;
    if (this.config.auth.method === 'token') return this.config.auth.token;
    this.login ??= this.appRoleLogin().finally(() => (this.login = undefined));
    return this.login;
  }

  private async appRoleLogin(): Promise<string> {
    const auth = this.config.auth as Extract<VaultConfig['auth'], { method: 'approle' }>;
    const response = await this.call(
      'POST',
      `/v1/auth/${auth.mount}/login`,
      undefined,
      JSON.stringify({ role_id: auth.roleId, secret_id: auth.secretId }),
    );
    if (!response.ok) throw await this.refusal(response, `logging in with AppRole (auth/${auth.mount})`);
    const body = (await response.json().catch(() => undefined)) as
      { auth?: { client_token?: string; lease_duration?: number } } | undefined;
    const token = body?.auth?.client_token;
    if (!token)
      throw new VaultError(
        `Vault's AppRole login (auth/${auth.mount}) answered without a client token`,
        response.status,
      );
    const lease = body.auth?.lease_duration ?? 0;
    this.token = token;
    // Log in again when two thirds of the lease have passed; a lease of 0 never expires.
    this.tokenRenewAt = lease > 0 ? Date.now() + (lease * 1000 * 2) / 3 : Number.POSITIVE_INFINITY;
    return token;
  }

  private async call(
    method: string,
    path: string,
    token?: string,
    body?: string,
    timeoutMs = this.config.timeoutMs,
  ): Promise<Response> {
    const headers: Record<string, string> = { 'x-vault-request': 'true' };
    if (token) headers['x-vault-token'] = token;
    if (this.config.namespace) headers['x-vault-namespace'] = this.config.namespace;
    if (body) headers['content-type'] = 'application/json';
    try {
      return await this.http.fetch(SERVICE, `${this.config.addr}${path}`, { method, headers, body, timeoutMs });
    } catch (error) {
      if (error instanceof BreakerOpenError)
        throw new VaultError(
          `Vault at ${this.config.addr} is failing; calls are paused for ${Math.ceil(error.retryInMs / 1000)} s (circuit breaker http:vault open)`,
          undefined,
          { cause: error },
        );
      if (error instanceof UpstreamError) {
        const status = error.response.status;
        await error.response.body?.cancel();
        throw new VaultError(
          `Vault at ${this.config.addr} answered ${status}${status === 503 ? ' (sealed or unavailable)' : ''}`,
          status,
          { cause: error },
        );
      }
      const reason =
        (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : describeNetworkError(error);
      throw new VaultError(`Vault at ${this.config.addr} is unreachable: ${reason}`, undefined, { cause: error });
    }
  }

  private async refusal(response: Response, what: string): Promise<VaultError> {
    const body = (await response.json().catch(() => undefined)) as { errors?: unknown[] } | undefined;
    const errors = Array.isArray(body?.errors) ? body.errors.filter((e) => typeof e === 'string').join('; ') : '';
    const hint =
      response.status === 403
        ? ' (permission denied: check the token or AppRole and its policy)'
        : response.status === 400
          ? ' (bad request: check the AppRole role_id and secret_id)'
          : '';
    return new VaultError(
      `Vault refused ${what}: ${response.status}${hint}${errors ? `: ${errors}` : ''}`,
      response.status,
    );
  }
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
