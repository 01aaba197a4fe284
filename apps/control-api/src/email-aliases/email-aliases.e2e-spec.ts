// The routes of a tenant's hosted addresses (the inbound SMTP server's side is in app-api's
// inbound-email.e2e-spec.ts): roles, validation, conflicts, the limit, audit, and another
// tenant's aliases, which are never listed nor deletable. Real PostgreSQL and Redis.
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { MembershipRole, type Tenant } from '@helpdeskly/database';
import { ControlFixture, type FixtureMember } from '../testing/control-fixture';
import { MAX_ALIASES_PER_TENANT } from './email-aliases.service';

const DOMAIN = 'inbound.test';

describe('/v1/email-aliases (e2e)', () => {
  let fx: ControlFixture;
  let tenant: Tenant;
  let owner: FixtureMember;
  let admin: FixtureMember;
  let agent: FixtureMember;
  let otherOwner: FixtureMember;

  before(async () => {
    fx = await ControlFixture.start({ INBOUND_DOMAIN: DOMAIN });
    const [a, b] = await Promise.all([fx.createTenant(), fx.createTenant()]);
    tenant = a;
    [owner, admin, agent, otherOwner] = await Promise.all([
      fx.member(a, MembershipRole.OWNER),
      fx.member(a, MembershipRole.ADMIN),
      fx.member(a, MembershipRole.AGENT),
      fx.member(b, MembershipRole.OWNER),
    ]);
  });
  after(async () => {
    await fx?.close();
  });

  const list = (member: FixtureMember) => fx.request('GET', '/v1/email-aliases', { token: member.token });
  const create = (member: FixtureMember, name: unknown) =>
    fx.request('POST', '/v1/email-aliases', { token: member.token, body: { name } });
  const remove = (member: FixtureMember, id: string) =>
    fx.request('DELETE', `/v1/email-aliases/${id}`, { token: member.token });

  it("lists the tenant's own address, and lets an OWNER or ADMIN add aliases that every member sees", async () => {
    expect(await list(agent)).toMatchObject({ status: 200, body: { address: `${tenant.slug}@${DOMAIN}`, items: [] } });
    const billing = await create(owner, '  Billing ');
    expect(billing.status).toBe(201);
    expect(billing.body).toEqual({
      id: expect.any(String),
      name: 'billing',
      address: `${tenant.slug}.billing@${DOMAIN}`,
      createdAt: expect.any(String),
    });
    const sales = await create(admin, 'sales-eu');
    expect(sales.status).toBe(201);
    expect((await list(agent)).body.items.map((a: { name: string }) => a.name)).toEqual(['billing', 'sales-eu']);

    const entries = await fx.db.auditLog.findMany({
      where: { tenantId: tenant.id, action: 'email_alias.created' },
      orderBy: { chainSeq: 'asc' },
    });
    expect(entries.map((e) => [e.actorUserId, e.targetId, (e.metadata as { name: string }).name])).toEqual([
      [owner.user.id, billing.body.id, 'billing'],
      [admin.user.id, sales.body.id, 'sales-eu'],
    ]);
  });

  it('refuses an AGENT, a taken name (whatever its case), and names that are not one label', async () => {
    const refused = await create(agent, 'agents-only');
    expect([refused.status, refused.body.code]).toEqual([403, 'insufficient_role']);
    expect((await create(owner, 'vip')).status).toBe(201);
    const taken = await create(admin, 'VIP');
    expect([taken.status, taken.body.code]).toEqual([409, 'email_alias_exists']);
    expect(taken.body.detail).toContain(`${tenant.slug}.vip@${DOMAIN}`);
    for (const name of ['a.b', 'a+b', '-x', '', 'a'.repeat(41), 'ü', 42, null]) {
      const invalid = await create(owner, name);
      expect([name, invalid.status, invalid.body.code]).toEqual([name, 400, 'validation_failed']);
    }
  });

  it("never shows or deletes another tenant's alias, and deletes one of its own, audited", async () => {
    const theirs = await create(otherOwner, 'vip');
    // The same name in two tenants: two addresses, since each begins with its tenant's slug.
    expect(theirs.status).toBe(201);
    const gone = await remove(owner, theirs.body.id);
    expect([gone.status, gone.body.code]).toEqual([404, 'email_alias_not_found']);
    expect((await list(owner)).body.items.map((a: { id: string }) => a.id)).not.toContain(theirs.body.id);
    expect((await list(otherOwner)).body.items).toEqual([theirs.body]);

    const refused = await remove(agent, theirs.body.id);
    expect(refused.status).toBe(403);
    const ours = (await list(owner)).body.items.find((a: { name: string }) => a.name === 'vip');
    expect((await remove(admin, ours.id)).status).toBe(204);
    expect((await remove(admin, ours.id)).status).toBe(404);
    expect((await list(owner)).body.items.map((a: { name: string }) => a.name)).not.toContain('vip');
    const deleted = await fx.db.auditLog.findFirst({ where: { tenantId: tenant.id, action: 'email_alias.deleted' } });
    expect(deleted).toMatchObject({ actorUserId: admin.user.id, targetId: ours.id });
    expect((await remove(owner, 'not-a-uuid')).status).toBe(400);
  });

  it(`stops at ${MAX_ALIASES_PER_TENANT} aliases, even when they are created at once`, async () => {
    const have = (await list(otherOwner)).body.items.length;
    const answers = await Promise.all(
      Array.from({ length: MAX_ALIASES_PER_TENANT - have + 5 }, (_, i) => create(otherOwner, `team-${i}`)),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(MAX_ALIASES_PER_TENANT - have);
    const over = answers.filter((a) => a.status !== 201);
    expect(over.map((a) => [a.status, a.body.code])).toEqual(
      Array.from({ length: 5 }, () => [422, 'email_alias_limit_reached']),
    );
    expect((await list(otherOwner)).body.items).toHaveLength(MAX_ALIASES_PER_TENANT);
  });
});
