// End-to-end fixture of the auth routes: an app over HTTP, a client that keeps every response body,
// a scan of those bodies for secrets, and the clean-up of every tenant and user made.
import { randomBytes } from 'node:crypto';
import { expect } from 'expect';
import { generate } from 'otplib';
import { ControlDatabase, SecretBox } from '@helpdeskly/database';
import { startTestApp, testConfig, type RunningTestApp } from '@helpdeskly/testing';
import { ControlApiModule } from '../../control-api.module';
import { TenantsService } from '@helpdeskly/tenants';
import { untilTenantActive } from '../../testing/control-fixture';

export interface ApiResponse<T = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly text: string;
}

export interface SignedUp {
  readonly email: string;
  readonly password: string;
  readonly slug: string;
  readonly userId: string;
  readonly tenantId: string;
  readonly accessToken: string;
  readonly refreshToken: string;
}

/** A password no policy refuses, different per call. */
export const strongPassword = () => `Unusual-${randomBytes(6).toString('hex')}-Pass!`;

export class AuthE2eFixture {
  /** Unique per run, so runs (and files running at once) never collide on emails or slugs. */
  readonly run = `${process.pid.toString(36)}${randomBytes(3).toString('hex')}`;
  readonly responses: { path: string; text: string }[] = [];
  readonly passwords = new Set<string>();
  readonly userIds = new Set<string>();
  readonly tenantIds = new Set<string>();
  private sequence = 0;

  private constructor(
    readonly app: RunningTestApp,
    readonly db: ControlDatabase,
  ) {}

  static async start(overrides: Record<string, string> = {}): Promise<AuthE2eFixture> {
    const config = testConfig(overrides);
    const app = await startTestApp(ControlApiModule.forRoot(config), { config });
    return new AuthE2eFixture(app, app.app.get(ControlDatabase));
  }

  /** `<name>-<run>-<n>`: a valid slug, also used as the local part of emails. */
  unique(name: string): string {
    return `${name}-${this.run}-${++this.sequence}`;
  }

  async request<T = any>(
    method: string,
    path: string,
    options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const response = await fetch(`${this.app.baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    this.responses.push({ path, text });
    return {
      status: response.status,
      headers: response.headers,
      body: (text ? JSON.parse(text) : undefined) as T,
      text,
    };
  }

  post<T = any>(path: string, body?: unknown, token?: string) {
    return this.request<T>('POST', path, { body, token });
  }

  /**
   * Signs up a new user with a new tenant, waiting for the tenant to be ACTIVE as a client told 202
   * does; both are cleaned up in {@link close}.
   */
  async signup(name = 'user', extra: { password?: string } = {}): Promise<SignedUp> {
    const slug = this.unique(name);
    const email = `${slug}@example.com`;
    const password = extra.password ?? strongPassword();
    this.passwords.add(password);
    const response = await this.post('/v1/auth/signup', {
      email,
      password,
      name: `User ${name}`,
      tenantName: `Tenant ${name}`,
      tenantSlug: slug,
    });
    expect([201, 202]).toContain(response.status);
    this.track(response.body.user.id, response.body.tenant.id);
    await untilTenantActive(this.app.baseUrl, response.body.accessToken);
    return {
      email,
      password,
      slug,
      userId: response.body.user.id,
      tenantId: response.body.tenant.id,
      accessToken: response.body.accessToken,
      refreshToken: response.body.refreshToken,
    };
  }

  track(userId?: string, tenantId?: string): void {
    if (userId) this.userIds.add(userId);
    if (tenantId) this.tenantIds.add(tenantId);
  }

  login(email: string, password: string, tenantSlug?: string) {
    return this.post('/v1/auth/login', { email, password, ...(tenantSlug ? { tenantSlug } : {}) });
  }

  /** Audit actions recorded for a user, oldest first. */
  async auditActions(userId: string): Promise<string[]> {
    const rows = await this.db.auditLog.findMany({
      where: { actorUserId: userId },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map((row) => row.action);
  }

  /**
   * Fails when any response body held a secret of the users and tenants of this run: a password
   * (plain or hashed), a TOTP secret (sealed, or plain anywhere but in the setup answer that
   * introduces it), a refresh token hash, a recovery code hash, or a tenant database password.
   */
  async assertNoSecretsInResponses(): Promise<void> {
    const box = this.app.app.get(SecretBox);
    const users = await this.db.user.findMany({ where: { id: { in: [...this.userIds] } } });
    const refreshTokens = await this.db.refreshToken.findMany({ where: { userId: { in: [...this.userIds] } } });
    const recoveryCodes = await this.db.recoveryCode.findMany({ where: { userId: { in: [...this.userIds] } } });
    const tenants = await this.db.tenant.findMany({ where: { id: { in: [...this.tenantIds] } } });
    const secrets: { kind: string; value: string; allowedIn?: (path: string) => boolean }[] = [
      ...[...this.passwords].map((value) => ({ kind: 'password', value })),
      ...users.map((u) => ({ kind: 'password hash', value: u.passwordHash })),
      ...users.flatMap((u) =>
        u.totpSecretEnc
          ? [
              { kind: 'sealed TOTP secret', value: u.totpSecretEnc },
              {
                kind: 'TOTP secret',
                value: box.open(u.totpSecretEnc),
                allowedIn: (path: string) => path === '/v1/auth/2fa/setup',
              },
            ]
          : [],
      ),
      ...refreshTokens.map((t) => ({ kind: 'refresh token hash', value: t.tokenHash })),
      ...recoveryCodes.map((c) => ({ kind: 'recovery code hash', value: c.codeHash })),
      ...tenants.flatMap((t) => [
        { kind: 'sealed database password', value: t.databasePasswordEnc },
        { kind: 'database password', value: box.open(t.databasePasswordEnc) },
      ]),
    ];
    expect(this.responses.length).toBeGreaterThan(0);
    expect(users.length).toBe(this.userIds.size);
    const leaks = this.responses.flatMap(({ path, text }) =>
      secrets
        .filter((s) => text.includes(s.value) && !s.allowedIn?.(path))
        .map((s) => `${s.kind} in the answer to ${path}`),
    );
    expect(leaks).toEqual([]);
  }

  /** Deletes every tenant (database and role) and user of this run, then stops the app. */
  async close(): Promise<void> {
    const tenants = this.app.app.get(TenantsService);
    const failures: unknown[] = [];
    for (const tenantId of this.tenantIds)
      await tenants.deleteTenant(tenantId).catch((error: unknown) => failures.push(error));
    await this.db.user.deleteMany({ where: { id: { in: [...this.userIds] } } });
    await this.app.close();
    if (failures.length > 0) throw new AggregateError(failures, `${failures.length} tenant(s) could not be deleted`);
  }
}

/**
 * TOTP codes as an authenticator app shows them, each from a time step not used before for the
 * secret (the API refuses a replayed code). Steps next to now verify too (30 s tolerance), so
 * three codes are available at any moment; more wait for the next period.
 */
export class TotpCodes {
  private readonly used = new Map<string, Set<number>>();

  async next(secret: string): Promise<string> {
    for (;;) {
      const seconds = Date.now() / 1000;
      // Too close to the end of a period, a code of the previous step could expire on the way.
      if (seconds % 30 > 27) {
        await sleep((30 - (seconds % 30) + 0.2) * 1000);
        continue;
      }
      const step = Math.floor(seconds / 30);
      const used = this.used.get(secret) ?? new Set<number>();
      this.used.set(secret, used);
      const free = [step, step + 1, step - 1].find((s) => !used.has(s));
      if (free === undefined) {
        await sleep((30 - (seconds % 30) + 0.2) * 1000);
        continue;
      }
      used.add(free);
      return generate({ secret, epoch: free * 30 });
    }
  }

  /** A code that is valid now but was already accepted: the API must refuse it. */
  async replay(secret: string): Promise<string | undefined> {
    const step = [...(this.used.get(secret) ?? [])].find((s) => Math.abs(s - Math.floor(Date.now() / 30_000)) <= 1);
    return step === undefined ? undefined : generate({ secret, epoch: step * 30 });
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
