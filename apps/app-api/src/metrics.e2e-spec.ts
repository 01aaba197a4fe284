// app-api's /metrics after real traffic for several tenants: registry, database and queue metrics
// move, and no label carries a tenant, a user or a raw URL.
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { type MetricSample, parsePrometheusText, sampleSum } from '@helpdeskly/metrics';
import { QUEUE_NAMES } from '@helpdeskly/queues';
import { type AppFixture, type TenantWithOwner, startAppApi } from './testing/app-fixture';
import { TenantClientRegistry } from '@helpdeskly/tenant-data';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

describe('app-api metrics (e2e)', () => {
  let fx: AppFixture;
  let owners: TenantWithOwner[];
  const ticketIds: string[] = [];

  const scrape = async (): Promise<{ text: string; samples: MetricSample[] }> => {
    const response = await fx.request('GET', '/metrics');
    expect(response.status).toBe(200);
    return { text: response.body as string, samples: parsePrometheusText(response.body as string) };
  };

  before(async () => {
    // Two client slots for three tenants: the third evicts the least recently used one.
    fx = await startAppApi({ ENABLE_METRICS: 'true', TENANT_CLIENT_MAX: '2', TENANT_CLIENT_IDLE_SECONDS: '60' });
    owners = [];
    for (let i = 0; i < 3; i++) owners.push(await fx.createTenantWithOwner());
  });
  after(() => fx?.close());

  it('counts tenant client creations, LRU evictions and open clients as tenants are served', async () => {
    const before = (await scrape()).samples;
    for (const owner of owners) {
      const created = await fx.request('POST', '/v1/tickets', {
        token: owner.token,
        body: { subject: 'Printer on fire', description: 'Third floor', requester: { email: 'carol@example.com' } },
      });
      expect(created.status).toBe(201);
      ticketIds.push(created.body.id);
      expect((await fx.request('GET', `/v1/tickets/${created.body.id}`, { token: owner.token })).status).toBe(200);
    }
    const { samples } = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) =>
      sampleSum(samples, name, labels) - sampleSum(before, name, labels);
    expect(delta('helpdeskly_tenant_client_creations_total', { outcome: 'created' })).toBe(3);
    expect(delta('helpdeskly_tenant_client_creations_total', { outcome: 'failed' })).toBe(0);
    expect(delta('helpdeskly_tenant_client_evictions_total', { reason: 'lru' })).toBe(1);
    expect(sampleSum(samples, 'helpdeskly_tenant_clients_max')).toBe(2);
    expect(sampleSum(samples, 'helpdeskly_tenant_clients_open')).toBe(fx.app.get(TenantClientRegistry).stats().open);
    expect(sampleSum(samples, 'helpdeskly_tenant_clients_open')).toBeLessThanOrEqual(2);
  });

  it('labels requests by route template, and no label carries a tenant, a user, a ticket or a raw URL', async () => {
    const { text, samples } = await scrape();
    expect(
      sampleSum(samples, 'helpdeskly_http_requests_total', { method: 'GET', route: '/v1/tickets/:id', status: '200' }),
    ).toBe(3);
    expect(
      sampleSum(samples, 'helpdeskly_http_requests_total', { method: 'POST', route: '/v1/tickets', status: '201' }),
    ).toBe(3);
    for (const owner of owners) {
      for (const secret of [owner.tenant.id, owner.tenant.slug, owner.user.id, owner.user.email])
        expect(text).not.toContain(secret);
    }
    for (const id of ticketIds) expect(text).not.toContain(id);
    const labelValues = samples.flatMap((s) => Object.values(s.labels));
    expect(labelValues.filter((v) => UUID.test(v))).toEqual([]);
    const routes = new Set(samples.map((s) => s.labels.route).filter(Boolean));
    for (const route of routes) expect(route).toMatch(/^(\(unmatched\)|\/[\w\-/:.]*)$/);
  });

  it('times database operations of the control and the tenant databases by model and operation', async () => {
    const { samples } = await scrape();
    expect(
      sampleSum(samples, 'helpdeskly_db_query_duration_seconds_count', {
        database: 'tenant',
        model: 'sql',
        operation: 'ticketCreate',
      }),
    ).toBe(3);
    expect(sampleSum(samples, 'helpdeskly_db_query_duration_seconds_count', { database: 'control' })).toBeGreaterThan(
      0,
    );
    expect(sampleSum(samples, 'helpdeskly_db_query_duration_seconds_sum', { database: 'tenant' })).toBeGreaterThan(0);
    const databases = new Set(
      samples.filter((s) => s.name === 'helpdeskly_db_query_duration_seconds_count').map((s) => s.labels.database),
    );
    expect([...databases].sort()).toEqual(['control', 'tenant']);
  });

  it('reports the depth of every queue by state on scrape', async () => {
    const { samples } = await scrape();
    const depths = samples.filter((s) => s.name === 'helpdeskly_queue_jobs');
    for (const queue of QUEUE_NAMES) {
      expect(
        depths
          .filter((s) => s.labels.queue === queue)
          .map((s) => s.labels.state)
          .sort(),
      ).toEqual(['active', 'completed', 'delayed', 'failed', 'prioritized', 'waiting', 'waiting-children']);
    }
    expect(depths.every((s) => Number.isInteger(s.value) && s.value >= 0)).toBe(true);
  });
});
