// The console in a real browser (Debian's Chromium, driven by playwright-core) against both real
// APIs: built by Vite, served by its preview server (which proxies /api/* as in development), a
// member logs in, opens a seeded ticket, replies, adds a note, changes the status, and meets a
// concurrent change (412). Screenshots of a failure go to .dev/screenshots/.
import { after, afterEach, before, describe, it } from 'node:test';
import { expect } from 'expect';
import type { Page } from 'playwright-core';
import type { AppFixture, FixtureMember } from '../../app-api/src/testing/app-fixture';
import { ConsoleFixture } from './testing/console-fixture';

describe('web console (e2e, Chromium)', () => {
  let web: ConsoleFixture;
  let fx: AppFixture;
  let member: FixtureMember;
  let page: Page;
  let ticket: { id: string; number: number; subject: string };

  before(async () => {
    web = await ConsoleFixture.start();
    fx = web.fx;
    page = web.page;
    member = await fx.createTenantWithOwner();
    const created = await fx.request('POST', '/v1/tickets', {
      token: member.token,
      body: {
        subject: 'Printer on fire',
        description: 'Smoke is coming out of the printer on floor 2.',
        requester: { email: 'bob@example.com', name: 'Bob Customer' },
      },
    });
    expect(created.status).toBe(201);
    ticket = created.body;
  });

  afterEach((t) => web.screenshotIfFailed(t));
  after(() => web?.close());

  const snapshot = (name: string) => web.snapshot(name);

  it('logs in and shows the inbox with the seeded ticket and its counts', async () => {
    await web.signIn(member.user.email, member.password);
    const row = page.getByRole('link', { name: `#${ticket.number} ${ticket.subject}` });
    await row.waitFor();
    const allTickets = page.getByRole('navigation', { name: 'Inbox views' }).getByRole('link', { name: /All tickets/ });
    await expect(allTickets.textContent()).resolves.toMatch(/All tickets\s*1/);
    await snapshot('inbox');
  });

  it('resumes the session after a reload through the refresh cookie (no token in storage)', async () => {
    await page.reload();
    await page.getByRole('link', { name: `#${ticket.number} ${ticket.subject}` }).waitFor();
    const stored = await page.evaluate(
      () => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
    );
    expect(stored).toBe('{}{}');
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.path === '/api/control/v1/auth')).toMatchObject({ httpOnly: true });
  });

  it('opens the ticket, posts a reply and an internal note that is marked internal', async () => {
    await page.getByRole('link', { name: `#${ticket.number} ${ticket.subject}` }).click();
    await page.getByRole('heading', { name: new RegExp(ticket.subject) }).waitFor();

    await page.getByPlaceholder('Write your reply…').fill('We are sending a technician.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    const reply = page.locator('[data-visibility="PUBLIC"]', { hasText: 'We are sending a technician.' });
    await reply.waitFor();
    await expect(reply.textContent()).resolves.toContain('Reply to the customer');

    await page.getByRole('radio', { name: 'Internal note' }).check();
    await page.getByPlaceholder('Write a note for your team…').fill('Fire extinguisher is in room 2.14.');
    await page.getByRole('button', { name: 'Add internal note' }).click();
    const note = page.locator('[data-visibility="INTERNAL"]', { hasText: 'Fire extinguisher' });
    await note.waitFor();
    await expect(note.textContent()).resolves.toContain('Internal note, not sent to the customer');
    await expect(note.getAttribute('class')).resolves.toContain('message-note');
    await snapshot('ticket');
  });

  it('changes the status with If-Match', async () => {
    const status = page.getByRole('complementary', { name: 'Ticket properties' }).getByLabel('Status');
    await status.selectOption('PENDING');
    await page.locator('.ticket-header .badge', { hasText: 'Pending' }).waitFor();
    const read = await fx.request('GET', `/v1/tickets/${ticket.id}`, { token: member.token });
    expect(read.body.status).toBe('PENDING');
  });

  it('says someone else changed the ticket when a PATCH meets a newer version (412)', async () => {
    const current = await fx.request('GET', `/v1/tickets/${ticket.id}`, { token: member.token });
    const patched = await fx.request('PATCH', `/v1/tickets/${ticket.id}`, {
      token: member.token,
      headers: { 'if-match': current.headers.get('etag')! },
      body: { priority: 'URGENT' },
    });
    expect(patched.status).toBe(200);

    const properties = page.getByRole('complementary', { name: 'Ticket properties' });
    await properties.getByLabel('Status').selectOption('OPEN');
    const message = properties.getByRole('status').filter({ hasText: 'Someone else changed this ticket' });
    await message.waitFor();
    await expect(message.textContent()).resolves.toContain('priority Normal → Urgent');
    // Reloaded: the other person's change shows, and the status is still theirs.
    await expect(properties.getByLabel('Priority').inputValue()).resolves.toBe('URGENT');
    await expect(properties.getByLabel('Status').inputValue()).resolves.toBe('PENDING');
  });
});
