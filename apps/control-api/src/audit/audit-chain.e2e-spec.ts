import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { MembershipRole } from '@helpdeskly/database';
import { AuditService } from '@helpdeskly/audit';
import { ControlFixture, type FixtureMember } from '../testing/control-fixture';
import { type TwoTenants, twoTenants } from '../testing/two-tenants';

describe('audit log hash chain and export', () => {
  let fx: ControlFixture;
  let two: TwoTenants;
  let admin: FixtureMember;
  let audit: AuditService;

  before(async () => {
    fx = await ControlFixture.start();
    two = await twoTenants(fx);
    admin = await fx.member(two.tenantB, MembershipRole.AGENT, { isPlatformAdmin: true, twoFactor: true });
    audit = fx.running.app.get(AuditService);
  });
  after(() => fx?.close());

  const verify = (tenantId?: string) =>
    fx.request('GET', `/v1/admin/audit-logs/verify${tenantId ? `?tenantId=${tenantId}` : ''}`, { token: admin.token });
  const chainOf = (tenantId: string) =>
    fx.db.auditLog.findMany({ where: { tenantId, chainSeq: { not: null } }, orderBy: { chainSeq: 'asc' } });
  /** The export body, read raw: NDJSON is not one JSON document. */
  const exportAs = async (token: string, path = '/v1/audit-logs/export') => {
    const response = await fetch(`${fx.running.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
  };

  it('keeps one unbroken chain per tenant under concurrent writes', async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        audit.record({
          action: 'test.chain',
          tenantId: two.tenantA.id,
          actorUserId: two.ownerA.user.id,
          metadata: { i, nested: { z: 1, a: [i] } },
        }),
      ),
    );
    const chain = await chainOf(two.tenantA.id);
    expect(chain.filter((e) => e.action === 'test.chain')).toHaveLength(40);
    expect(chain.map((e) => Number(e.chainSeq))).toEqual(chain.map((_, i) => i + 1));
    expect(chain[0].prevHash).toBeNull();
    for (let i = 1; i < chain.length; i += 1) expect(chain[i].prevHash).toBe(chain[i - 1].hash);

    const report = await verify(two.tenantA.id);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({
      tenantId: two.tenantA.id,
      valid: true,
      checked: chain.length,
      firstSeq: 1,
      lastSeq: chain.length,
      brokenAt: null,
    });
  });

  it('verifies the platform chain (entries of no tenant) too', async () => {
    await audit.record({ action: 'test.platform', metadata: { n: 1 } });
    const report = await verify();
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ tenantId: null, valid: true, brokenAt: null });
    expect(report.body.checked).toBeGreaterThan(0);
  });

  it('reports an entry altered in the database, and an entry whose predecessor was deleted', async () => {
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        audit.record({ action: 'test.tamper', tenantId: two.tenantB.id, metadata: { i } }),
      ),
    );
    const chain = await chainOf(two.tenantB.id);
    expect((await verify(two.tenantB.id)).body.valid).toBe(true);

    const altered = chain[chain.length - 3];
    await fx.db.$executeRaw`UPDATE audit_logs SET metadata = '{"i": 999}' WHERE id = ${altered.id}::uuid`;
    const report = await verify(two.tenantB.id);
    expect(report.body).toMatchObject({
      valid: false,
      checked: chain.length - 3,
      brokenAt: { id: altered.id, chainSeq: Number(altered.chainSeq), reason: 'hash_mismatch' },
    });

    await fx.db.$executeRaw`DELETE FROM audit_logs WHERE id = ${altered.id}::uuid`;
    const next = chain[chain.length - 2];
    expect((await verify(two.tenantB.id)).body).toMatchObject({
      valid: false,
      brokenAt: { id: next.id, reason: 'sequence_gap' },
    });
  });

  it('reports an entry forged into a position another entry holds', async () => {
    const tenant = await fx.createTenant();
    for (let i = 0; i < 3; i += 1) await audit.record({ action: 'test.forge', tenantId: tenant.id, metadata: { i } });
    const [first] = await chainOf(tenant.id);
    await fx.db
      .$executeRaw`INSERT INTO audit_logs (id, tenant_id, action, metadata, created_at, chain_seq, prev_hash, hash)
      SELECT 'ffffffff-ffff-4fff-bfff-ffffffffffff', tenant_id, 'test.forged', metadata, created_at, chain_seq, prev_hash, hash FROM audit_logs WHERE id = ${first.id}::uuid`;
    const report = await verify(tenant.id);
    expect(report.body).toMatchObject({
      valid: false,
      checked: 1,
      brokenAt: { chainSeq: Number(first.chainSeq), reason: 'sequence_gap' },
    });
  });

  it("exports the caller's tenant only, as NDJSON, to OWNERs and ADMINs", async () => {
    const a = await exportAs(two.ownerA.token);
    expect(a.status).toBe(200);
    expect(a.type).toContain('application/x-ndjson');
    expect(a.text.endsWith('\n')).toBe(true);
    const lines = a.text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.length).toBe(
      (await chainOf(two.tenantA.id)).length +
        (await fx.db.auditLog.count({ where: { tenantId: two.tenantA.id, chainSeq: null } })),
    );
    expect(lines.every((e) => e.tenantId === two.tenantA.id)).toBe(true);
    expect(lines.filter((e) => e.action === 'test.chain')).toHaveLength(40);
    expect(lines[0]).toEqual(
      expect.objectContaining({
        id: expect.any(String),
        chainSeq: expect.any(Number),
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        createdAt: expect.any(String),
      }),
    );
    // Oldest first.
    expect(lines.map((e) => e.createdAt)).toEqual([...lines.map((e) => e.createdAt)].sort());

    const b = await exportAs(two.ownerB.token);
    expect(b.status).toBe(200);
    const bIds = new Set(
      b.text
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line).tenantId),
    );
    expect([...bIds]).toEqual([two.tenantB.id]);

    expect((await exportAs(two.agentA.token)).status).toBe(403);
    expect((await exportAs(two.ownerA.token, `/v1/audit-logs/export?tenantId=${two.tenantB.id}`)).status).toBe(400);
  });

  it('exports any tenant to a platform admin, and nothing to anyone else', async () => {
    const exported = await exportAs(admin.token, `/v1/admin/audit-logs/export?tenantId=${two.tenantA.id}`);
    expect(exported.status).toBe(200);
    const lines = exported.text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.filter((e) => e.action === 'test.chain')).toHaveLength(40);
    expect(lines.every((e) => e.tenantId === two.tenantA.id)).toBe(true);
    expect((await exportAs(two.ownerA.token, `/v1/admin/audit-logs/export?tenantId=${two.tenantA.id}`)).status).toBe(
      403,
    );
    expect(
      (await fx.request('GET', `/v1/admin/audit-logs/verify?tenantId=${two.tenantA.id}`, { token: two.ownerA.token }))
        .status,
    ).toBe(403);
    expect((await verify('nope')).status).toBe(400);
  });
});
