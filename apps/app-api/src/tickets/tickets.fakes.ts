import { randomUUID } from 'node:crypto';
import { TicketPriority, TicketStatus, TicketType } from '@helpdeskly/database';
import { unitConfig } from '@helpdeskly/testing';
import type { UploadsRepository } from '../attachments/uploads.repository';
import type { ContactsService } from '../contacts/contacts.service';
import type { OutboxRow } from '../notifications/outbox.repository';
import type { TicketNotifications } from '../notifications/ticket-notifications.service';
import { DEFAULT_SLA } from '../settings/sla';
import type { SlaSettingsService } from '../settings/sla-settings.service';
import type { TenantContext } from '../tenancy/tenant-context';
import type { TenantMembersService } from '../tenancy/tenant-members.service';
import type { EarlierRequest, IdempotencyKeysRepository } from './idempotency-keys.repository';
import type { FieldChange } from './ticket-changes';
import type { TicketEventsRepository } from './ticket-events.repository';
import type {
  InsertedTicket,
  TicketChanges,
  TicketInsert,
  TicketRecord,
  TicketsRepository,
} from './tickets.repository';
import { TicketsService } from './tickets.service';

// In-memory stand-ins for the tickets' repositories and collaborators, for the unit specs of
// TicketsService and BulkUpdateService: the rules run for real, the tenant database does not.

export const TENANT_ID = '11111111-1111-4111-8111-111111111111';
export const AGENT_ID = '22222222-2222-4222-8222-222222222222';
export const OTHER_AGENT_ID = '33333333-3333-4333-8333-333333333333';
export const CONTACT_ID = '44444444-4444-4444-8444-444444444444';

export const tenantContext = (over: Partial<TenantContext> = {}): TenantContext => ({
  tenantId: TENANT_ID,
  slug: 'acme',
  name: 'Acme',
  userId: AGENT_ID,
  role: 'AGENT',
  settings: {},
  ...over,
});

interface StoredKey {
  requestHash: string;
  responseStatus: number | null;
  responseBody: string | null;
}

export interface RecordedEvent extends FieldChange {
  readonly ticketId: string;
  readonly actorUserId: string | null;
}

/**
 * The tenant database: tickets, their history and the idempotency keys. A transaction that
 * throws leaves nothing behind, as PostgreSQL's rollback does.
 */
export class FakeTenantDatabase {
  tickets = new Map<string, TicketRecord>();
  events: RecordedEvent[] = [];
  keys = new Map<string, StoredKey>();
  /** Keys another request holds in its open transaction: claiming one runs into lock_timeout. */
  readonly heldKeys = new Set<string>();
  readonly contacts = new Set<string>([CONTACT_ID]);
  private nextNumber = 1;

  async atomically<T>(fn: () => Promise<T>): Promise<T> {
    const saved = {
      tickets: structuredClone(this.tickets),
      events: [...this.events],
      keys: structuredClone(this.keys),
    };
    try {
      return await fn();
    } catch (error) {
      Object.assign(this, saved);
      throw error;
    }
  }

  /** A ticket as the seed or another request wrote it. */
  put(over: Partial<TicketRecord> = {}): TicketRecord {
    const createdAt = new Date('2026-01-05T09:00:00.000Z');
    const ticket: TicketRecord = {
      id: randomUUID(),
      number: this.nextNumber++,
      subject: 'Printer on fire',
      description: 'Smoke everywhere',
      status: TicketStatus.NEW,
      priority: TicketPriority.NORMAL,
      type: TicketType.QUESTION,
      requesterId: CONTACT_ID,
      requester: { id: CONTACT_ID, name: 'Ada', email: 'ada@example.com' },
      assigneeId: null,
      createdById: AGENT_ID,
      version: 1,
      firstResponseDueAt: null,
      resolutionDueAt: null,
      firstRespondedAt: null,
      solvedAt: null,
      closedAt: null,
      deletedAt: null,
      deletedById: null,
      createdAt,
      updatedAt: createdAt,
      tags: [],
      ...over,
    } as TicketRecord;
    this.tickets.set(ticket.id, ticket);
    return structuredClone(ticket);
  }

  /** Another request's committed change: the ticket moves to its next version. */
  touch(id: string, changes: TicketChanges = {}): void {
    const ticket = this.tickets.get(id)!;
    Object.assign(ticket, changes, { version: ticket.version + 1 });
  }

  ticket(id: string): TicketRecord {
    return structuredClone(this.tickets.get(id)!);
  }
}

export const keyOf = (userId: string, key: string) => `${userId}/${key}`;

/** TicketsRepository over the fake database. `afterRead` runs after each read outside a transaction. */
export class FakeTicketsRepository {
  inserts = 0;
  afterRead: () => void = () => undefined;
  private inTransaction = false;

  constructor(private readonly db: FakeTenantDatabase) {}

  sqlTransaction<T>(fn: (tx: unknown) => Promise<T>): Promise<T> {
    return this.transaction(fn);
  }

  async transaction<T>(fn: (tx: unknown) => Promise<T>): Promise<T> {
    this.inTransaction = true;
    try {
      return await this.db.atomically(() => fn({}));
    } finally {
      this.inTransaction = false;
    }
  }

  async insert(input: TicketInsert): Promise<InsertedTicket | null> {
    const requester =
      'id' in input.requester
        ? this.db.contacts.has(input.requester.id)
          ? { id: input.requester.id, name: 'Ada', email: 'ada@example.com' }
          : null
        : { id: randomUUID(), ...input.requester };
    if (!requester) return null;
    this.inserts++;
    const ticket = this.db.put({
      ...input.ticket,
      ccEmails: [...(input.ticket.ccEmails ?? [])],
      requesterId: requester.id,
      requester,
      tags: input.tags.map((name) => ({ tag: { name } })),
    });
    const json = JSON.stringify({ id: ticket.id, number: ticket.number, subject: ticket.subject, version: 1 });
    return { json, id: ticket.id, version: ticket.version, outbox: [] };
  }

  async findById(id: string): Promise<TicketRecord | null> {
    const ticket = this.db.tickets.get(id);
    const found = ticket && !ticket.deletedAt ? structuredClone(ticket) : null;
    this.read();
    return found;
  }

  async findJson(id: string): Promise<{ json: string; version: number } | null> {
    const ticket = this.db.tickets.get(id);
    if (!ticket || ticket.deletedAt) return null;
    return { json: JSON.stringify({ id, version: ticket.version }), version: ticket.version };
  }

  async findManyByIds(ids: readonly string[]): Promise<TicketRecord[]> {
    const found = ids.flatMap((id) => {
      const ticket = this.db.tickets.get(id);
      return ticket && !ticket.deletedAt ? [structuredClone(ticket)] : [];
    });
    this.read();
    return found;
  }

  async updateIfVersion(_tx: unknown, id: string, version: number, changes: TicketChanges): Promise<boolean> {
    const ticket = this.db.tickets.get(id);
    if (!ticket || ticket.deletedAt || ticket.version !== version) return false;
    Object.assign(ticket, changes, { version: version + 1 });
    return true;
  }

  async addTags(_tx: unknown, ticketId: string, names: readonly string[]): Promise<void> {
    this.db.tickets.get(ticketId)!.tags.push(...names.map((name) => ({ tag: { name } })));
  }

  async removeTags(_tx: unknown, ticketId: string, names: readonly string[]): Promise<void> {
    const ticket = this.db.tickets.get(ticketId)!;
    ticket.tags = ticket.tags.filter((t) => !names.includes(t.tag.name));
  }

  private read(): void {
    if (!this.inTransaction) this.afterRead();
  }
}

export class FakeTicketEventsRepository {
  constructor(private readonly db: FakeTenantDatabase) {}

  async recordMany(_tx: unknown, events: readonly RecordedEvent[]): Promise<void> {
    this.db.events.push(...events);
  }

  async list(ticketId: string): Promise<RecordedEvent[]> {
    return this.db.events.filter((e) => e.ticketId === ticketId);
  }
}

/**
 * The keys as the SQL of IdempotencyKeysRepository keeps them: the first claim inserts the key,
 * a later one reads it back, and one held by another open transaction times out (55P03).
 */
export class FakeIdempotencyKeysRepository {
  constructor(private readonly db: FakeTenantDatabase) {}

  async claim(
    _tx: unknown,
    data: { userId: string; key: string; requestHash: string },
  ): Promise<EarlierRequest | null> {
    const id = keyOf(data.userId, data.key);
    if (this.db.heldKeys.has(id))
      throw Object.assign(new Error('canceling statement due to lock timeout'), { code: '55P03' });
    const earlier = this.db.keys.get(id);
    if (earlier) return { ...earlier };
    this.db.keys.set(id, { requestHash: data.requestHash, responseStatus: null, responseBody: null });
    return null;
  }

  async complete(_tx: unknown, userId: string, key: string, status: number, body: string): Promise<void> {
    Object.assign(this.db.keys.get(keyOf(userId, key))!, { responseStatus: status, responseBody: body });
  }
}

/** The emails relayed after a commit; drafts and assignment emails are left empty. */
export class FakeTicketNotifications {
  readonly dispatched: OutboxRow[][] = [];

  async newTicketDrafts(): Promise<[]> {
    return [];
  }

  async ticketAssigned(): Promise<OutboxRow[]> {
    return [];
  }

  async dispatch(_tenant: TenantContext, rows: OutboxRow[]): Promise<void> {
    this.dispatched.push(rows);
  }
}

export const fakeSla = () => ({ get: async () => DEFAULT_SLA }) as unknown as SlaSettingsService;

export const fakeMembers = (members: readonly string[] = [AGENT_ID, OTHER_AGENT_ID]) =>
  ({
    isMember: async (_tenantId: string, userId: string) => members.includes(userId),
  }) as unknown as TenantMembersService;

export const fakeContacts = () => ({}) as ContactsService;

export const asTicketsRepository = (fake: FakeTicketsRepository) => fake as unknown as TicketsRepository;
export const asTicketEventsRepository = (fake: FakeTicketEventsRepository) => fake as unknown as TicketEventsRepository;
export const asIdempotencyKeysRepository = (fake: FakeIdempotencyKeysRepository) =>
  fake as unknown as IdempotencyKeysRepository;
export const asTicketNotifications = (fake: FakeTicketNotifications) => fake as unknown as TicketNotifications;

/**
 * A TicketsService over the fakes, around one in-memory tenant database, with the fakes a spec
 * looks into (and hands on to services built over TicketsService, as BulkUpdateService is).
 */
export function ticketsServiceOverFakes() {
  const db = new FakeTenantDatabase();
  const tickets = new FakeTicketsRepository(db);
  const events = new FakeTicketEventsRepository(db);
  const notifications = new FakeTicketNotifications();
  const ticketsService = new TicketsService(
    asTicketsRepository(tickets),
    asTicketEventsRepository(events),
    fakeContacts(),
    asIdempotencyKeysRepository(new FakeIdempotencyKeysRepository(db)),
    fakeSla(),
    fakeMembers(),
    asTicketNotifications(notifications),
    // The two-step upload is UploadsRepository's SQL, covered by uploads.e2e-spec.ts.
    {} as UploadsRepository,
    unitConfig(),
  );
  return { ticketsService, db, tickets, events, notifications };
}

/** The problem code a promise rejects with, or undefined when it resolves. */
export async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as { problem?: { code?: string } }).problem?.code;
  }
}
