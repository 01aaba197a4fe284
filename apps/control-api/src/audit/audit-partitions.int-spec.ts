import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { ControlFixture } from '../testing/control-fixture';
import {
  AuditPartitionsRepository,
  partitionName,
  AUDIT_PARTITION_MONTHS_AHEAD,
  AuditPartitionsService,
} from '@helpdeskly/audit';

const utcMonth = (year: number, month: number) => new Date(Date.UTC(year, month - 1, 1));

// Scratch months far from the months other test files write in: 2001 (long expired) and 2040.
describe(AuditPartitionsService.name, () => {
  let fx: ControlFixture;
  let sut: AuditPartitionsService;
  let partitions: AuditPartitionsRepository;

  before(async () => {
    fx = await ControlFixture.start();
    sut = fx.running.app.get(AuditPartitionsService);
    partitions = fx.running.app.get(AuditPartitionsRepository);
  });
  after(async () => {
    if (!fx) return;
    await fx.db.$executeRawUnsafe(`DROP TABLE IF EXISTS "audit_logs_p200101", "audit_logs_p204005"`);
    await fx.db.$executeRaw`DELETE FROM audit_logs WHERE action = 'test.partition'`;
    await fx.close();
  });

  const insertAt = async (createdAt: string): Promise<string> => {
    const [{ id }] = await fx.db.$queryRaw<
      Array<{ id: string }>
    >`INSERT INTO audit_logs (id, action, created_at) VALUES (gen_random_uuid(), 'test.partition', ${createdAt}::timestamptz) RETURNING id::text`;
    return id;
  };
  const partitionOf = async (id: string): Promise<string | undefined> =>
    (
      await fx.db.$queryRaw<
        Array<{ name: string }>
      >`SELECT tableoid::regclass::text AS name FROM audit_logs WHERE id = ${id}::uuid`
    )[0]?.name;
  const names = async () => (await partitions.list()).map((p) => p.name);

  it('creates the partitions of this month and the next ones, once', async () => {
    const now = new Date();
    const furthest = partitionName(
      new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + AUDIT_PARTITION_MONTHS_AHEAD, 1)),
    );
    // The furthest month ahead holds nothing yet, so dropping it loses no entry.
    await fx.db.$executeRawUnsafe(`DROP TABLE IF EXISTS "${furthest}"`);

    const report = await sut.maintain(now);

    expect(report.created).toEqual([furthest]);
    const expected = Array.from({ length: AUDIT_PARTITION_MONTHS_AHEAD + 1 }, (_, i) =>
      partitionName(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + i, 1))),
    );
    expect(await names()).toEqual(expect.arrayContaining(expected));
    expect((await sut.maintain(now)).created).toEqual([]);
  });

  it('moves entries of a new month out of the default partition into it', async () => {
    const id = await insertAt('2040-05-10T12:00:00Z');
    expect(await partitionOf(id)).toBe('audit_logs_default');

    expect(await partitions.create(utcMonth(2040, 5))).toBe(true);

    expect(await partitionOf(id)).toBe('audit_logs_p204005');
    expect(await partitions.create(utcMonth(2040, 5))).toBe(false);
  });

  it('drops months older than AUDIT_RETENTION_MONTHS, and expired entries of the default partition', async () => {
    await partitions.create(utcMonth(2001, 1));
    const inExpiredMonth = await insertAt('2001-01-20T00:00:00Z');
    const inDefault = await insertAt('2001-03-05T00:00:00Z');
    const kept = await insertAt('2040-05-11T00:00:00Z');

    const report = await sut.maintain();

    expect(report.dropped).toEqual(['audit_logs_p200101']);
    expect(report.deletedFromDefault).toBeGreaterThanOrEqual(1);
    expect(await names()).not.toContain('audit_logs_p200101');
    expect(await partitionOf(inExpiredMonth)).toBeUndefined();
    expect(await partitionOf(inDefault)).toBeUndefined();
    expect(await partitionOf(kept)).toBe('audit_logs_p204005');
  });
});
