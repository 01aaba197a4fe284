// Tenant churn through the production PgBouncer (issue 13): 8 tenants cycled over
// TENANT_CLIENT_MAX=3, so nearly every request evicts one tenant's client and opens another's,
// with reads and writes in flight, on a server of the test's own. It once gave 500s in the first
// 40 s (PgBouncer's 08P01 "server login has been failing"); the bar is zero errors.
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { PrivateStack } from '../testing/private-stack';
import type { TenantWithOwner } from '../testing/app-fixture';

const TENANTS = 8;
const CLIENT_MAX = 3;
const WORKERS = 6;
const DURATION_MS = Number(process.env.CHURN_SECONDS ?? 35) * 1000;

describe('tenant churn: 8 tenants over TENANT_CLIENT_MAX=3 through the production PgBouncer', () => {
  let stack: PrivateStack;
  const owners: TenantWithOwner[] = [];

  before(async () => {
    stack = await PrivateStack.start({ env: { TENANT_CLIENT_MAX: String(CLIENT_MAX), TENANT_CLIENT_POOL_SIZE: '2' } });
    for (let i = 0; i < TENANTS; i++) owners.push(await stack.fx.createTenantWithOwner());
  });

  after(async () => {
    await stack?.close();
  });

  it(`answers every request for ${DURATION_MS / 1000} s with zero errors`, async (t) => {
    const fx = stack.fx;
    const failures = new Map<string, number>();
    let answered = 0;
    let next = 0;
    const deadline = performance.now() + DURATION_MS;
    await Promise.all(
      Array.from({ length: WORKERS }, async (_, worker) => {
        for (let i = 0; performance.now() < deadline; i++) {
          const owner = owners[next++ % TENANTS];
          const res =
            (i + worker) % 3 === 0
              ? await fx.request('POST', '/v1/tickets', {
                  token: owner.token,
                  body: {
                    subject: `Churn ${worker}-${i}`,
                    description: 'It broke.',
                    requester: { email: 'churn@example.com' },
                  },
                })
              : await fx.request('GET', i % 2 ? '/v1/helpdesk' : '/v1/tickets?limit=5', { token: owner.token });
          answered++;
          if (res.status >= 300) {
            const key = `${res.status} ${res.body?.code}`;
            failures.set(key, (failures.get(key) ?? 0) + 1);
          }
        }
      }),
    );
    const stats = fx.app.get((await import('@helpdeskly/tenant-data')).TenantClientRegistry).stats();
    t.diagnostic(
      `${answered} requests, evictions ${JSON.stringify(stats.evictions)}, creations ${stats.creations} (${stats.creationFailures} failed)`,
    );
    expect(Object.fromEntries(failures)).toEqual({});
    expect(stats.evictions.lru).toBeGreaterThan(answered / 4);
    expect(stack.bouncer.log()).not.toMatch(/server login has been failing/);
  });
});
