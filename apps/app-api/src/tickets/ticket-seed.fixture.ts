import { randomUUID } from 'node:crypto';
import type { TicketPriority, TicketStatus } from '@helpdeskly/database';
import type { AppFixture, FixtureMember } from '../testing/app-fixture';

export interface SeedTicket {
  readonly subject?: string;
  readonly description?: string;
  readonly status?: TicketStatus;
  readonly priority?: TicketPriority;
  readonly assigneeId?: string | null;
  readonly requesterEmail?: string;
  readonly tags?: readonly string[];
  readonly createdAt?: Date;
  readonly updatedAt?: Date;
  readonly resolutionDueAt?: Date | null;
  readonly firstRespondedAt?: Date | null;
  readonly deletedAt?: Date | null;
}

/**
 * Writes tickets straight into a tenant's database (its own Prisma client, as the app uses it), so
 * list and comment tests control timestamps and states that the API would compute.
 */
export async function seedTickets(
  fx: AppFixture,
  member: FixtureMember,
  tickets: readonly SeedTicket[],
): Promise<Array<{ id: string; number: number; requesterId: string }>> {
  return fx.asTenant(member, async (db) => {
    const client = db.client();
    const out: Array<{ id: string; number: number; requesterId: string }> = [];
    for (const t of tickets) {
      const email = (t.requesterEmail ?? `req-${randomUUID().slice(0, 8)}@example.test`).toLowerCase();
      const contact = await client.contact.upsert({
        where: { email },
        create: { email, name: email.split('@')[0] },
        update: {},
      });
      const row = await client.ticket.create({
        data: {
          subject: t.subject ?? 'A ticket',
          description: t.description ?? 'Something happened.',
          status: t.status,
          priority: t.priority,
          assigneeId: t.assigneeId ?? null,
          requesterId: contact.id,
          createdById: member.user.id,
          createdAt: t.createdAt,
          resolutionDueAt: t.resolutionDueAt ?? null,
          firstRespondedAt: t.firstRespondedAt ?? null,
          deletedAt: t.deletedAt ?? null,
          tags: t.tags
            ? { create: t.tags.map((name) => ({ tag: { connectOrCreate: { where: { name }, create: { name } } } })) }
            : undefined,
        },
      });
      // @updatedAt is set by Prisma on create; a given updatedAt is written afterwards.
      if (t.updatedAt)
        await client.$executeRaw`UPDATE tickets SET updated_at = ${t.updatedAt}::timestamptz WHERE id = ${row.id}::uuid`;
      out.push({ id: row.id, number: row.number, requesterId: contact.id });
    }
    return out;
  });
}

/** The ticket's row as stored, for assertions on fields the API does not return. */
export function readTicket(fx: AppFixture, member: FixtureMember, id: string) {
  return fx.asTenant(member, (db) => db.client().ticket.findUniqueOrThrow({ where: { id } }));
}

export function readEvents(fx: AppFixture, member: FixtureMember, ticketId: string) {
  return fx.asTenant(member, (db) =>
    db.client().ticketEvent.findMany({ where: { ticketId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
  );
}
