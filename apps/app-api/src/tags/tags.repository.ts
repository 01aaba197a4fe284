import { Injectable } from '@nestjs/common';
import { isUniqueViolation, type TenantPrisma } from '@helpdeskly/database';
import { TenantDatabase } from '@helpdeskly/tenant-data';

@Injectable()
export class TagsRepository {
  constructor(private readonly db: TenantDatabase) {}

  transaction<T>(fn: (tx: TenantPrisma.TransactionClient) => Promise<T>): Promise<T> {
    return this.db.client().$transaction(fn);
  }

  /** True when the ticket exists outside the trash; its row stays locked until the transaction ends. */
  async lockTicket(tx: TenantPrisma.TransactionClient, ticketId: string): Promise<boolean> {
    const rows = await tx.$queryRaw<
      unknown[]
    >`SELECT 1 FROM tickets WHERE id = ${ticketId}::uuid AND deleted_at IS NULL FOR UPDATE`;
    return rows.length > 0;
  }

  async tagsOfTicket(tx: TenantPrisma.TransactionClient, ticketId: string): Promise<string[]> {
    const rows = await tx.ticketTag.findMany({ where: { ticketId }, select: { tag: { select: { name: true } } } });
    return rows.map((r) => r.tag.name).sort();
  }

  /** Links the tags to the ticket, creating the missing ones; the number of new links. */
  async link(tx: TenantPrisma.TransactionClient, ticketId: string, names: readonly string[]): Promise<number> {
    // ON CONFLICT DO NOTHING: a concurrent request creating the same tag is not an error.
    await tx.tag.createMany({ data: names.map((name) => ({ name })), skipDuplicates: true });
    const tags = await tx.tag.findMany({ where: { name: { in: [...names] } }, select: { id: true } });
    const { count } = await tx.ticketTag.createMany({
      data: tags.map((t) => ({ ticketId, tagId: t.id })),
      skipDuplicates: true,
    });
    return count;
  }

  async unlink(tx: TenantPrisma.TransactionClient, ticketId: string, name: string): Promise<number> {
    const { count } = await tx.ticketTag.deleteMany({ where: { ticketId, tag: { name } } });
    return count;
  }

  async bumpVersion(tx: TenantPrisma.TransactionClient, ticketId: string): Promise<void> {
    await tx.ticket.update({ where: { id: ticketId }, data: { version: { increment: 1 } } });
  }

  /** Every tag by name, with how many tickets outside the trash carry it. */
  async listWithCounts(): Promise<Array<{ name: string; ticketCount: number }>> {
    const tags = await this.db.client().tag.findMany({
      orderBy: { name: 'asc' },
      select: { name: true, _count: { select: { tickets: { where: { ticket: { deletedAt: null } } } } } },
    });
    return tags.map((t) => ({ name: t.name, ticketCount: t._count.tickets }));
  }

  findByName(tx: TenantPrisma.TransactionClient, name: string) {
    return tx.tag.findUnique({ where: { name } });
  }

  /** Renames; false when the new name is taken (also by a concurrent rename or creation). */
  async rename(tx: TenantPrisma.TransactionClient, tagId: string, name: string): Promise<boolean> {
    try {
      await tx.tag.update({ where: { id: tagId }, data: { name } });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async delete(tx: TenantPrisma.TransactionClient, tagId: string): Promise<void> {
    await tx.tag.delete({ where: { id: tagId } });
  }

  /**
   * A `tags` event on every ticket carrying the tag, from its current tags to the same tags with
   * this one renamed to `newName` (or removed when null). One statement, however many tickets.
   */
  async recordTagChangeEvents(
    tx: TenantPrisma.TransactionClient,
    tagId: string,
    newName: string | null,
    actorUserId: string,
  ): Promise<void> {
    await tx.$executeRaw`
      INSERT INTO ticket_events (id, ticket_id, actor_user_id, field, from_value, to_value)
      SELECT gen_random_uuid(), x.ticket_id, ${actorUserId}::uuid, 'tags',
        (SELECT string_agg(g.name, ',' ORDER BY g.name) FROM ticket_tags y JOIN tags g ON g.id = y.tag_id WHERE y.ticket_id = x.ticket_id),
        (SELECT string_agg(n.name, ',' ORDER BY n.name) FROM (
           SELECT CASE WHEN g.id = ${tagId}::uuid THEN ${newName}::text ELSE g.name END AS name
           FROM ticket_tags y JOIN tags g ON g.id = y.tag_id WHERE y.ticket_id = x.ticket_id
         ) n WHERE n.name IS NOT NULL)
      FROM ticket_tags x
      WHERE x.tag_id = ${tagId}::uuid`;
  }
}
