import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { MembershipRole, TicketPriority, TicketStatus } from '@helpdeskly/database';
import type { AppFixture, FixtureMember } from '../../testing/app-fixture';
import { startHelpdeskSession } from '../../testing/helpdesk-session';
import { type SeedTicket, seedTickets } from '../ticket-seed.fixture';

interface Item {
  id: string;
  number: number;
  status: TicketStatus;
  priority: TicketPriority;
  assigneeId: string | null;
  createdAt: string;
  updatedAt: string;
  resolutionDueAt: string | null;
  tags: string[];
  rank?: number;
}

const { NEW, OPEN, PENDING, ON_HOLD, SOLVED, CLOSED } = TicketStatus;
const { LOW, NORMAL, HIGH, URGENT } = TicketPriority;
const at = (iso: string) => new Date(iso);
const HOUR = 3_600_000;

describe('GET /v1/tickets', () => {
  let fx: AppFixture;
  let owner: FixtureMember;
  let agent: FixtureMember;
  let ownerB: FixtureMember;
  let ids: Record<string, string>;

  // One tenant with a known set of tickets; `name` keys them for the assertions.
  const dataset: Array<SeedTicket & { name: string }> = [
    {
      name: 'newLow',
      status: NEW,
      priority: LOW,
      createdAt: at('2026-01-01T10:00:00Z'),
      updatedAt: at('2026-01-05T10:00:00Z'),
      tags: ['billing'],
    },
    {
      name: 'openUrgentMine',
      status: OPEN,
      priority: URGENT,
      createdAt: at('2026-01-02T10:00:00Z'),
      updatedAt: at('2026-01-02T11:00:00Z'),
      resolutionDueAt: new Date(Date.now() - HOUR),
    },
    {
      name: 'pendingHigh',
      status: PENDING,
      priority: HIGH,
      createdAt: at('2026-01-03T10:00:00Z'),
      updatedAt: at('2026-01-09T10:00:00Z'),
      resolutionDueAt: new Date(Date.now() + 48 * HOUR),
      tags: ['billing', 'vip'],
    },
    {
      name: 'solvedOverdue',
      status: SOLVED,
      priority: NORMAL,
      createdAt: at('2026-01-04T10:00:00Z'),
      updatedAt: at('2026-01-04T10:00:00Z'),
      resolutionDueAt: new Date(Date.now() - 2 * HOUR),
    },
    {
      name: 'closed',
      status: CLOSED,
      priority: NORMAL,
      createdAt: at('2026-01-05T10:00:00Z'),
      updatedAt: at('2026-01-06T10:00:00Z'),
    },
    {
      name: 'onHoldOverdue',
      status: ON_HOLD,
      priority: HIGH,
      createdAt: at('2026-01-06T10:00:00Z'),
      updatedAt: at('2026-01-07T10:00:00Z'),
      resolutionDueAt: new Date(Date.now() - 3 * HOUR),
    },
    // Three tickets created at the same instant: ties broken by id.
    {
      name: 'tie1',
      status: OPEN,
      priority: NORMAL,
      createdAt: at('2026-01-07T10:00:00Z'),
      updatedAt: at('2026-01-07T10:00:00Z'),
      resolutionDueAt: new Date(Date.now() + 24 * HOUR),
    },
    {
      name: 'tie2',
      status: OPEN,
      priority: NORMAL,
      createdAt: at('2026-01-07T10:00:00Z'),
      updatedAt: at('2026-01-07T10:00:00Z'),
      resolutionDueAt: new Date(Date.now() + 24 * HOUR),
    },
    {
      name: 'tie3',
      status: OPEN,
      priority: NORMAL,
      createdAt: at('2026-01-07T10:00:00Z'),
      updatedAt: at('2026-01-07T10:00:00Z'),
    },
    {
      name: 'trashed',
      status: OPEN,
      priority: URGENT,
      createdAt: at('2026-01-08T10:00:00Z'),
      deletedAt: new Date(),
      tags: ['billing'],
    },
    {
      name: 'requested',
      status: NEW,
      priority: LOW,
      createdAt: at('2026-01-09T10:00:00Z'),
      updatedAt: at('2026-01-10T10:00:00Z'),
      requesterEmail: 'known@example.test',
    },
  ];
  const visible = () => dataset.filter((t) => !t.deletedAt).map((t) => ids[t.name]);

  before(async () => {
    ({ fx, owner, agent, other: ownerB } = await startHelpdeskSession({ agent: MembershipRole.AGENT }));
    const withAssignees = dataset.map((t) => ({
      ...t,
      assigneeId:
        t.name === 'openUrgentMine' || t.name === 'tie1'
          ? agent.user.id
          : t.name === 'pendingHigh'
            ? owner.user.id
            : null,
    }));
    const rows = await seedTickets(fx, owner, withAssignees);
    ids = Object.fromEntries(dataset.map((t, i) => [t.name, rows[i].id]));
  });
  after(() => fx?.close());

  const get = (member: FixtureMember, query = '') =>
    fx.request<{ items: Item[]; nextCursor: string | null; code?: string }>('GET', `/v1/tickets${query}`, {
      token: member.token,
    });
  const namesOf = (items: Item[]) => items.map((i) => Object.keys(ids).find((k) => ids[k] === i.id));
  const listed = async (query: string, member = agent) => {
    const response = await get(member, `${query}${query.includes('?') ? '&' : '?'}limit=100`);
    expect(response.status).toBe(200);
    return response.body.items;
  };
  const setOf = async (query: string) => new Set(namesOf(await listed(query)));

  /** Every page of `query`, following nextCursor; `between` runs after the first page. */
  async function allPages(query: string, limit: number, between?: () => Promise<void>): Promise<Item[]> {
    const items: Item[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const sep = query.includes('?') ? '&' : '?';
      const page = await get(agent, `${query}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(limit);
      items.push(...page.body.items);
      cursor = page.body.nextCursor;
      if (pages++ === 0 && between) await between();
    } while (cursor);
    return items;
  }

  it('lists every ticket outside the trash, newest first by default, with tags and requester', async () => {
    const items = await listed('');
    expect(new Set(items.map((i) => i.id))).toEqual(new Set(visible()));
    expect(namesOf(items)[0]).toBe('requested');
    const pending = items.find((i) => i.id === ids.pendingHigh)!;
    expect(pending.tags).toEqual(['billing', 'vip']);
    expect(pending).toMatchObject({
      requester: expect.objectContaining({ email: expect.any(String) }),
      assigneeId: owner.user.id,
    });
    expect(pending).not.toHaveProperty('description');
  });

  it('filters by status and priority lists', async () => {
    expect(await setOf('?status=PENDING,ON_HOLD')).toEqual(new Set(['pendingHigh', 'onHoldOverdue']));
    expect(await setOf('?status=NEW&status=CLOSED')).toEqual(new Set(['newLow', 'requested', 'closed']));
    expect(await setOf('?priority=URGENT')).toEqual(new Set(['openUrgentMine']));
    expect(await setOf('?priority=HIGH,URGENT&status=PENDING')).toEqual(new Set(['pendingHigh']));
  });

  it('filters by assignee me, none and id, and by requester', async () => {
    expect(await setOf('?assignee=me')).toEqual(new Set(['openUrgentMine', 'tie1']));
    expect(await setOf(`?assignee=${owner.user.id}`)).toEqual(new Set(['pendingHigh']));
    const none = await setOf('?assignee=none');
    expect(none.has('openUrgentMine') || none.has('tie1') || none.has('pendingHigh')).toBe(false);
    expect(none.size).toBe(visible().length - 3);
    const requested = (await listed('')).find((i) => i.id === ids.requested) as Item & { requester: { id: string } };
    expect(await setOf(`?requesterId=${requested.requester.id}`)).toEqual(new Set(['requested']));
  });

  it('filters by tag (case-insensitive), creation and update ranges, and overdue', async () => {
    expect(await setOf('?tag=BILLING')).toEqual(new Set(['newLow', 'pendingHigh']));
    expect(await setOf('?tag=unknown')).toEqual(new Set());
    expect(await setOf('?createdFrom=2026-01-02T10:00:00Z&createdTo=2026-01-04T10:00:00Z')).toEqual(
      new Set(['openUrgentMine', 'pendingHigh', 'solvedOverdue']),
    );
    expect(await setOf('?updatedFrom=2026-01-09T00:00:00Z')).toEqual(new Set(['pendingHigh', 'requested']));
    expect(await setOf('?updatedTo=2026-01-02T12:00:00Z')).toEqual(new Set(['openUrgentMine']));
    expect(await setOf('?overdue=true')).toEqual(new Set(['openUrgentMine', 'onHoldOverdue']));
    expect((await setOf('?overdue=false')).has('openUrgentMine')).toBe(false);
    expect((await setOf('?overdue=false')).size).toBe(visible().length - 2);
  });

  const SORTS: Array<{ sort: string; key: keyof Item; rank: (v: unknown) => number | string | null; desc: boolean }> = [
    { sort: 'created', key: 'createdAt', rank: (v) => v as string, desc: false },
    { sort: '-created', key: 'createdAt', rank: (v) => v as string, desc: true },
    { sort: 'updated', key: 'updatedAt', rank: (v) => v as string, desc: false },
    { sort: '-updated', key: 'updatedAt', rank: (v) => v as string, desc: true },
    {
      sort: 'priority',
      key: 'priority',
      rank: (v) => [LOW, NORMAL, HIGH, URGENT].indexOf(v as TicketPriority),
      desc: false,
    },
    {
      sort: '-priority',
      key: 'priority',
      rank: (v) => [LOW, NORMAL, HIGH, URGENT].indexOf(v as TicketPriority),
      desc: true,
    },
    { sort: 'due', key: 'resolutionDueAt', rank: (v) => v as string | null, desc: false },
    { sort: '-due', key: 'resolutionDueAt', rank: (v) => v as string | null, desc: true },
  ];

  /** The expected order: sort value in its direction, nulls last, then id in the same direction. */
  const expectedOrder = (items: Item[], s: (typeof SORTS)[number]) =>
    [...items].sort((a, b) => {
      const [x, y] = [s.rank(a[s.key]), s.rank(b[s.key])];
      if (x === null || y === null)
        return x === y ? (s.desc ? (b.id < a.id ? -1 : 1) : a.id < b.id ? -1 : 1) : x === null ? 1 : -1;
      if (x !== y) return (x < y ? -1 : 1) * (s.desc ? -1 : 1);
      return (a.id < b.id ? -1 : 1) * (s.desc ? -1 : 1);
    });

  for (const s of SORTS) {
    it(`sorts by ${s.sort} and pages through every ticket once, also when tickets are added between pages`, async () => {
      const before = await allPages(`?sort=${s.sort}`, 2);
      expect(before.map((i) => i.id)).toEqual(expectedOrder(before, s).map((i) => i.id));
      expect(new Set(before.map((i) => i.id))).toEqual(new Set(visible()));
      expect(before).toHaveLength(visible().length);

      // Inserts between pages: every ticket present before is listed exactly once.
      let added: string[] = [];
      const during = await allPages(`?sort=${s.sort}`, 3, async () => {
        added = (
          await seedTickets(fx, owner, [
            { subject: `inserted during ${s.sort}`, priority: URGENT, resolutionDueAt: new Date(Date.now() + HOUR) },
            { subject: `inserted during ${s.sort}`, priority: LOW },
          ])
        ).map((r) => r.id);
      });
      const seen = during.map((i) => i.id);
      expect(new Set(seen).size).toBe(seen.length);
      for (const id of visible()) expect(seen).toContain(id);
      expect(seen.filter((id) => !visible().includes(id) && !added.includes(id) && !extra.includes(id))).toEqual([]);
      extra.push(...added);
      await fx.asTenant(owner, (db) =>
        db.client().ticket.updateMany({ where: { id: { in: added } }, data: { deletedAt: new Date() } }),
      );
    });
  }
  const extra: string[] = [];

  it('refuses a cursor of another sort, and a forged one, with 400', async () => {
    const first = await get(agent, '?sort=created&limit=2');
    const other = await get(agent, `?sort=-updated&limit=2&cursor=${first.body.nextCursor}`);
    expect(other.status).toBe(400);
    expect(other.body).toMatchObject({
      code: 'validation_failed',
      errors: [expect.objectContaining({ field: 'query.cursor' })],
    });
    const forged = Buffer.from(JSON.stringify(['created', 'asc', "2026' OR 1=1 --", ids.tie1])).toString('base64url');
    expect((await get(agent, `?sort=created&cursor=${forged}`)).status).toBe(400);
  });

  it('answers bad filters with problem details, never a 500', async () => {
    const bad = [
      '?status=OPENED',
      '?status=',
      '?priority=HIGHEST',
      '?assignee=someone',
      '?requesterId=12',
      '?createdFrom=yesterday',
      '?updatedTo=2026-13-45',
      '?overdue=maybe',
      '?sort=name',
      '?sort=--created',
      '?limit=0',
      '?limit=101',
      '?limit=ten',
      '?cursor=%25%25',
      `?tag=${'x'.repeat(51)}`,
      `?q=${'x'.repeat(201)}`,
      '?q=',
      '?unknown=1',
      '?q=a&q=b',
    ];
    for (const query of bad) {
      const response = await get(agent, query);
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await fx.request('GET', '/v1/tickets')).status).toBe(401);
  });

  it("shows tenant B none of tenant A's tickets", async () => {
    const b = await get(ownerB, '?limit=100');
    expect(b.status).toBe(200);
    expect(b.body.items).toEqual([]);
    expect((await get(ownerB, '?tag=billing')).body.items).toEqual([]);
  });
});

describe('GET /v1/tickets?q= (full-text search)', () => {
  let fx: AppFixture;
  let owner: FixtureMember;
  let ownerB: FixtureMember;

  before(async () => {
    ({ fx, owner, other: ownerB } = await startHelpdeskSession({}));
  });
  after(() => fx?.close());

  const search = (member: FixtureMember, query: string) =>
    fx.request<{ items: Item[]; nextCursor: string | null }>('GET', `/v1/tickets?${query}`, { token: member.token });

  it('finds words in subject, description and comments, ranked subject first, and stems them', async () => {
    const [inSubject, inDescription, inComment, unrelated, trashed] = await seedTickets(fx, owner, [
      { subject: 'Kangaroo printers jammed', description: 'Nothing prints.' },
      { subject: 'Office equipment', description: 'The kangaroo printer in room 4 is broken' },
      { subject: 'Question', description: 'Please help' },
      { subject: 'Invoices', description: 'Wrong VAT' },
      { subject: 'Kangaroo in the trash', description: 'kangaroo kangaroo', deletedAt: new Date() },
    ]);
    const reply = await fx.request('POST', `/v1/tickets/${inComment.id}/comments`, {
      token: owner.token,
      body: { body: 'Update: the kangaroo printer needs toner', visibility: 'INTERNAL' },
    });
    expect(reply.status).toBe(201);

    const found = await search(owner, 'q=kangaroo');
    expect(found.status).toBe(200);
    expect(found.body.items.map((i) => i.id)).toEqual([inSubject.id, inDescription.id, inComment.id]);
    const ranks = found.body.items.map((i) => i.rank!);
    expect(ranks[0]).toBeGreaterThan(ranks[1]);
    expect(ranks[1]).toBeGreaterThan(ranks[2]);
    expect(found.body.items.map((i) => i.id)).not.toContain(trashed.id);
    expect(found.body.items.map((i) => i.id)).not.toContain(unrelated.id);

    // Stemming ("printers" ~ "printer"), phrases, exclusion and filters combined with the search.
    expect((await search(owner, 'q=printer')).body.items.map((i) => i.id).sort()).toEqual(
      [inSubject.id, inDescription.id, inComment.id].sort(),
    );
    expect(
      (await search(owner, `q=${encodeURIComponent('"kangaroo printer" -toner')}`)).body.items.map((i) => i.id),
    ).toEqual([inSubject.id, inDescription.id]);
    expect((await search(owner, `q=${encodeURIComponent('"printer kangaroo"')}`)).body.items).toEqual([]);
    expect((await search(owner, 'q=toner&status=NEW')).body.items.map((i) => i.id)).toEqual([inComment.id]);
    expect((await search(owner, 'q=toner&status=OPEN')).body.items).toEqual([]);
    expect((await search(owner, 'q=kangaroo&sort=created')).body.items.map((i) => i.id)).toEqual([
      inSubject.id,
      inDescription.id,
      inComment.id,
    ]);
  });

  it('pages through search results by relevance without duplicates or gaps', async () => {
    const subjects = Array.from({ length: 7 }, (_, i) => ({
      subject: `wombat ${'wombat '.repeat(i)}`.trim(),
      description: 'burrow',
    }));
    const seeded = await seedTickets(fx, owner, subjects);
    const all = await search(owner, 'q=wombat&limit=100');
    const paged: Item[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Item[]; nextCursor: string | null } } = await search(
        owner,
        `q=wombat&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      paged.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(paged.map((i) => i.id)).toEqual(all.body.items.map((i) => i.id));
    expect(new Set(paged.map((i) => i.id))).toEqual(new Set(seeded.map((s) => s.id)));
    const ranks = paged.map((i) => i.rank!);
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
  });

  it('keeps the search inside the tenant, and handles odd queries without errors', async () => {
    await seedTickets(fx, owner, [{ subject: 'platypus secret' }]);
    expect((await search(ownerB, 'q=platypus')).body.items).toEqual([]);
    for (const q of ['the', '!!!', "'; DROP TABLE tickets; --", '"unclosed', 'a & b | c', '-', 'or or']) {
      const response = await search(owner, `q=${encodeURIComponent(q)}`);
      expect({ q, status: response.status }).toEqual({ q, status: 200 });
    }
  });
});

describe('GET /v1/tickets/counts', () => {
  let fx: AppFixture;
  let owner: FixtureMember;
  let agent: FixtureMember;
  let ownerB: FixtureMember;

  before(async () => {
    ({ fx, owner, agent, other: ownerB } = await startHelpdeskSession({ agent: MembershipRole.AGENT }));
  });
  after(() => fx?.close());

  it("counts tickets per status outside the trash, the caller's, the unassigned and the overdue ones", async () => {
    const past = new Date(Date.now() - HOUR);
    await seedTickets(fx, owner, [
      { status: NEW },
      { status: NEW, assigneeId: agent.user.id },
      { status: OPEN, assigneeId: agent.user.id, resolutionDueAt: past },
      { status: PENDING, assigneeId: owner.user.id },
      { status: SOLVED, assigneeId: agent.user.id, resolutionDueAt: past },
      { status: CLOSED },
      { status: OPEN, deletedAt: new Date() },
    ]);
    const forAgent = await fx.request('GET', '/v1/tickets/counts', { token: agent.token });
    expect(forAgent.status).toBe(200);
    expect(forAgent.body).toEqual({
      byStatus: { NEW: 2, OPEN: 1, PENDING: 1, ON_HOLD: 0, SOLVED: 1, CLOSED: 1 },
      total: 6,
      mine: 2,
      unassigned: 1,
      overdue: 1,
    });
    expect((await fx.request('GET', '/v1/tickets/counts', { token: owner.token })).body.mine).toBe(1);
    expect((await fx.request('GET', '/v1/tickets/counts', { token: ownerB.token })).body).toEqual({
      byStatus: { NEW: 0, OPEN: 0, PENDING: 0, ON_HOLD: 0, SOLVED: 0, CLOSED: 0 },
      total: 0,
      mine: 0,
      unassigned: 0,
      overdue: 0,
    });
    expect((await fx.request('GET', '/v1/tickets/counts?x=1', { token: owner.token })).status).toBe(200);
  });
});
