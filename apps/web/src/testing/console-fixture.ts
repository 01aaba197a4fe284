// The real stack a console browser test drives: both APIs in this process (AppFixture), the
// console built by Vite and served by its preview server (which proxies /api/* as in development
// and as nginx does in production), Debian's Chromium through playwright-core, and, when asked,
// a mail catcher with an email worker so the emails the APIs send (invitations, password resets)
// can be opened from the test.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import type { Browser, Page } from 'playwright-core';
import { type CaughtMessage, MailCatcher } from '@helpdeskly/mail';
import { freePort, launchChromium, waitFor } from '@helpdeskly/testing';
import { startEmailWorker } from '../../../../libs/mail/src/testing/email-worker';
import { AppFixture } from '../../../app-api/src/testing/app-fixture';
import { uniqueSuffix } from '../../../control-api/src/testing/control-fixture';

const ROOT = join(__dirname, '..', '..', '..', '..');
/** Where each step's page is kept for a person to look at (`.dev/` is not committed). */
export const SCREENSHOTS = join(ROOT, '.dev', 'screenshots');
const CONFIG = join(ROOT, 'apps', 'web', 'vite.config.mts');
/** How long a step waits for the page (the machine is shared and slow at times). */
export const STEP_TIMEOUT = 15_000;

export interface ConsoleFixtureOptions {
  /** Start a mail catcher and an email worker (SMTP_* point at the catcher). */
  readonly mail?: boolean;
  /** More environment for both APIs (and the worker). */
  readonly env?: Record<string, string>;
}

interface Preview {
  close(): Promise<void>;
}

export class ConsoleFixture {
  private constructor(
    /** Both APIs; `fx.control` makes tenants, users and tokens directly. */
    readonly fx: AppFixture,
    /** The console's origin, e.g. http://127.0.0.1:41234. */
    readonly url: string,
    readonly browser: Browser,
    /** A page of its own browser context (its own cookies). */
    readonly page: Page,
    private readonly preview: Preview,
    private readonly outDir: string,
    private readonly mail?: { catcher: MailCatcher; worker: INestApplicationContext; dir: string },
  ) {}

  static async start(options: ConsoleFixtureOptions = {}): Promise<ConsoleFixture> {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let mail: { catcher: MailCatcher; worker: INestApplicationContext; dir: string } | undefined;
    // The refresh cookie's CSRF rule wants the console's origin among the allowed ones; the
    // emails' links lead to FRONTEND_URL.
    const env: Record<string, string> = { CORS_ORIGINS: url, FRONTEND_URL: url, ...options.env };
    if (options.mail) {
      const dir = mkdtempSync(join(tmpdir(), 'helpdeskly-console-mail-'));
      const catcher = await MailCatcher.start({ dir, httpPort: null });
      Object.assign(env, {
        QUEUE_PREFIX: `hd-console-${uniqueSuffix()}`,
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(catcher.smtpPort),
        MAIL_FROM: 'support@helpdeskly.test',
        ...options.env,
      });
      mail = { catcher, dir, worker: await startEmailWorker(env) };
    }
    const fx = await AppFixture.start(env);

    // The preview server reads the proxy targets from the environment when the config loads.
    process.env.HELPDESKLY_CONTROL_URL = fx.control.running.baseUrl;
    process.env.HELPDESKLY_APP_URL = fx.running.baseUrl;
    const vite = await import('vite');
    const outDir = mkdtempSync(join(tmpdir(), 'helpdeskly-web-'));
    await vite.build({ configFile: CONFIG, mode: 'production', logLevel: 'warn', build: { outDir } });
    const preview = await vite.preview({
      configFile: CONFIG,
      logLevel: 'warn',
      build: { outDir },
      preview: { port, host: '127.0.0.1', strictPort: true },
    });
    const browser = await launchChromium();
    const page = await ConsoleFixture.newPage(browser);
    return new ConsoleFixture(fx, url, browser, page, preview, outDir, mail);
  }

  private static async newPage(browser: Browser): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT);
    return page;
  }

  /** Another browser context (a second person, with cookies of their own). */
  otherPage(): Promise<Page> {
    return ConsoleFixture.newPage(this.browser);
  }

  /** Signs in through the login page (no 2FA, one membership) and waits for the inbox. */
  async signIn(email: string, password: string, page: Page = this.page): Promise<void> {
    await page.goto(`${this.url}/`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
  }

  /** Keeps the page as `.dev/screenshots/console-step-<name>.png`. */
  async snapshot(name: string, page: Page = this.page): Promise<string> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const path = join(SCREENSHOTS, `console-step-${name}.png`);
    await page.screenshot({ path, fullPage: true });
    return path;
  }

  /** For afterEach: a failed test leaves `.dev/screenshots/console-<test name>.png`. */
  async screenshotIfFailed(t: { name: string }): Promise<void> {
    // node:test's context has no status in Node 20's types; a failure is what matters here.
    if ((t as unknown as { passed?: boolean }).passed !== false) return;
    mkdirSync(SCREENSHOTS, { recursive: true });
    await this.page
      .screenshot({ path: join(SCREENSHOTS, `console-${t.name.replace(/\W+/g, '-')}.png`), fullPage: true })
      .catch(() => undefined);
  }

  /** The first email to `to` (matching `subject` when given) the catcher got, waited for. */
  async email(to: string, subject?: RegExp): Promise<CaughtMessage> {
    if (!this.mail) throw new Error('ConsoleFixture.start({ mail: true }) for emails');
    const catcher = this.mail.catcher;
    let found: CaughtMessage | undefined;
    await waitFor(
      `an email to ${to}`,
      async () => {
        const messages = await catcher.messages();
        found = messages.find((m) => m.to.includes(to) && (!subject || subject.test(m.subject)));
        return !!found;
      },
      STEP_TIMEOUT,
    );
    return found!;
  }

  /** The first link of an email's text that leads into the console. */
  linkIn(message: CaughtMessage): string {
    const link = message.text.match(new RegExp(`${this.url.replace(/[.:/]/g, '\\$&')}[^\\s)>\\]]*`))?.[0];
    if (!link) throw new Error(`no console link in:\n${message.text}`);
    return link;
  }

  async close(): Promise<void> {
    try {
      await this.browser?.close();
      await this.preview?.close();
    } finally {
      try {
        await this.fx.close();
      } finally {
        await this.mail?.worker.close();
        await this.mail?.catcher.close();
        if (this.mail) rmSync(this.mail.dir, { recursive: true, force: true });
        rmSync(this.outDir, { recursive: true, force: true });
      }
    }
  }
}
