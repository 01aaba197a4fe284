// The console in a real browser (Debian's Chromium, driven by playwright-core) against both real
// APIs: built by Vite, served by its preview server (which proxies /api/* as in development), a
// member logs in, opens a seeded ticket, replies, adds a note, changes the status, and meets a
// concurrent change (412). Screenshots of a failure go to .dev/screenshots/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { type Browser, chromium, type Page } from 'playwright-core';
import { freePort } from '@helpdeskly/testing';
import { AppFixture, type FixtureMember } from '../../app-api/src/testing/app-fixture';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(__dirname, '..', '..', '..');
const SCREENSHOTS = join(ROOT, '.dev', 'screenshots');
const CONFIG = join(ROOT, 'apps', 'web', 'vite.config.mts');
const WAIT = { timeout: 15_000 };

describe('web console (e2e, Chromium)', () => {
  let fx: AppFixture;
  let member: FixtureMember;
  let browser: Browser;
  let page: Page;
  let preview: { close(): Promise<void>; resolvedUrls?: { local: string[] } | null };
  let consoleUrl: string;
  let outDir: string;
  let ticket: { id: string; number: number; subject: string };

  before(async () => {
    const port = await freePort();
    consoleUrl = `http://127.0.0.1:${port}`;
    // The refresh cookie's CSRF rule wants the console's origin among the allowed ones.
    fx = await AppFixture.start({ CORS_ORIGINS: consoleUrl });
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

    // The preview server reads the proxy targets from the environment when the config loads.
    process.env.HELPDESKLY_CONTROL_URL = fx.control.running.baseUrl;
    process.env.HELPDESKLY_APP_URL = fx.running.baseUrl;
    const vite = await import('vite');
    outDir = mkdtempSync(join(tmpdir(), 'helpdeskly-web-'));
    await vite.build({ configFile: CONFIG, mode: 'production', logLevel: 'warn', build: { outDir } });
    preview = await vite.preview({
      configFile: CONFIG,
      logLevel: 'warn',
      build: { outDir },
      preview: { port, host: '127.0.0.1', strictPort: true },
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage();
    page.setDefaultTimeout(WAIT.timeout);
  });

  /** Each step's page, kept for a person to look at (`.dev/` is not committed). */
  async function snapshot(name: string): Promise<void> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, `console-step-${name}.png`), fullPage: true });
  }

  afterEach(async (t) => {
    // node:test's context has no status in Node 20's types; a failure is what matters here.
    const failed = (t as unknown as { passed?: boolean }).passed === false;
    if (failed && page) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, `console-${t.name.replace(/\W+/g, '-')}.png`), fullPage: true });
    }
  });

  after(async () => {
    await browser?.close();
    await preview?.close();
    await fx?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('logs in and shows the inbox with the seeded ticket and its counts', async () => {
    await page.goto(`${consoleUrl}/`);
    await page.getByLabel('Email').fill(member.user.email);
    await page.getByLabel('Password').fill(member.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
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
