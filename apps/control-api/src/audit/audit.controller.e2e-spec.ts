import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { AuditService } from '@helpdeskly/audit';
import { ControlFixture, type FixtureMember } from '../testing/control-fixture';
import { type TwoTenants, twoTenants } from '../testing/two-tenants';

describe('GET /v1/audit-logs', () => {
  let fx: ControlFixture;
  let two: TwoTenants;

  before(async () => {
    fx = await ControlFixture.start();
    two = await twoTenants(fx);
    const audit = fx.running.app.get(AuditService);
    for (const [i, tenant] of [two.tenantA, two.tenantA, two.tenantA, two.tenantB].entries()) {
      await audit.record({
        action: 'test.event',
        tenantId: tenant.id,
        actorUserId: tenant === two.tenantA ? two.ownerA.user.id : two.ownerB.user.id,
        success: i !== 1,
        metadata: { i },
      });
    }
    await audit.record({
      action: 'test.event',
      tenantId: two.tenantA.id,
      actorUserId: two.agentA.user.id,
      metadata: { i: 9 },
    });
  });
  after(() => fx?.close());

  const get = (member: FixtureMember, query = '') =>
    fx.request('GET', `/v1/audit-logs${query}`, { token: member.token });

  it("shows OWNERs and ADMINs their own tenant's trail only, newest first", async () => {
    const response = await get(two.ownerA, '?action=test.event');
    expect(response.status).toBe(200);
    expect(response.body.items.map((e: { metadata: { i: number } }) => e.metadata.i)).toEqual([9, 2, 1, 0]);
    expect(response.body.items.every((e: { tenantId: string }) => e.tenantId === two.tenantA.id)).toBe(true);
    const b = await get(two.ownerB, '?action=test.event');
    expect(b.body.items.map((e: { metadata: { i: number } }) => e.metadata.i)).toEqual([3]);
  });

  it('filters by actor, outcome and time', async () => {
    expect((await get(two.ownerA, `?action=test.event&actorUserId=${two.agentA.user.id}`)).body.items).toHaveLength(1);
    expect(
      (await get(two.ownerA, '?action=test.event&success=false')).body.items.map(
        (e: { metadata: { i: number } }) => e.metadata.i,
      ),
    ).toEqual([1]);
    expect(
      (
        await get(
          two.ownerA,
          `?action=test.event&to=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}`,
        )
      ).body.items,
    ).toHaveLength(0);
    expect(
      (
        await get(
          two.ownerA,
          `?action=test.event&from=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}`,
        )
      ).body.items,
    ).toHaveLength(4);
  });

  it('pages with a cursor', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Array<{ metadata: { i: number } }>; nextCursor: string | null } } = await get(
        two.ownerA,
        `?action=test.event&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.items.map((e) => e.metadata.i));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([9, 2, 1, 0]);
  });

  it('refuses an AGENT, a tenant filter, and bad parameters', async () => {
    expect((await get(two.agentA)).status).toBe(403);
    const tenantFilter = await get(two.ownerA, `?tenantId=${two.tenantB.id}`);
    expect(tenantFilter.status).toBe(400);
    expect(tenantFilter.body.errors[0].field).toBe('query.tenantId');
    for (const query of ['?limit=0', '?limit=101', '?success=maybe', '?from=yesterday', '?cursor=12'])
      expect((await get(two.ownerA, query)).status).toBe(400);
  });
});
