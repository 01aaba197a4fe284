import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type AddressObject, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { escapeHtml } from '../templates/layout';

export interface MailCatcherOptions {
  /** Where each message is written as `<ISO-time>-<id>.eml`. */
  readonly dir: string;
  /** 0 (default) picks a free port. */
  readonly smtpPort?: number;
  /** 0 (default) picks a free port; null serves no HTTP listing. */
  readonly httpPort?: number | null;
  readonly host?: string;
}

/** One message the catcher accepted, parsed. */
export interface CaughtMessage {
  readonly id: string;
  readonly file: string;
  readonly date: string;
  readonly from: { readonly name: string; readonly address: string };
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly replyTo: string | null;
  readonly subject: string;
  readonly messageId: string | null;
  readonly inReplyTo: string | null;
  readonly references: readonly string[];
  readonly text: string;
  readonly html: string | null;
}

interface Held {
  readonly session: string;
  readonly raw: Buffer;
  readonly accept: () => void;
}

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });
const addresses = (value: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(value) ? value : value ? [value] : [])
    .flatMap((a) => a.value.map((v) => v.address ?? ''))
    .filter(Boolean);

/**
 * A local SMTP sink for development and tests: accepts every message (no auth, no TLS), writes it
 * to `dir`, and lists what it got over HTTP (GET / for people, GET /messages as JSON,
 * GET /messages/<id>.eml raw, GET /messages/<id> the HTML part or the text). Tests can make it
 * stall the next messages (hold the answer to DATA), reject them, refuse connections (421), or
 * stop and start it again on the same port, or run a hook between storing a message and
 * answering it; it counts every connection.
 */
export class MailCatcher {
  /** SMTP connections opened so far, refused ones included. */
  connections = 0;
  smtpPort = 0;
  httpPort = 0;
  private smtp?: SMTPServer;
  private http?: Server;
  private stalls = 0;
  private held: Held[] = [];
  private rejections: Array<{ code: number; message: string }> = [];
  private refusing = false;
  private beforeNextAnswer?: () => Promise<void> | void;
  private readonly parsed = new Map<string, Promise<CaughtMessage>>();

  private constructor(private readonly options: MailCatcherOptions) {}

  static async start(options: MailCatcherOptions): Promise<MailCatcher> {
    const catcher = new MailCatcher(options);
    await mkdir(options.dir, { recursive: true });
    await catcher.startSmtp();
    if (options.httpPort !== null) await catcher.startHttp(options.httpPort ?? 0);
    return catcher;
  }

  private get host(): string {
    return this.options.host ?? '127.0.0.1';
  }

  /** Holds the answer to DATA of the next `count` messages until {@link release} (or until the client goes away: then the message is dropped). */
  stallNext(count = 1): void {
    this.stalls += count;
  }

  /** Answers DATA of the next `count` messages with `code` (4xx transient, 5xx permanent). */
  rejectNext(count: number, code = 550, message = 'Mailbox unavailable'): void {
    for (let i = 0; i < count; i++) this.rejections.push({ code, message });
  }

  /**
   * Runs `hook` once the next message is stored, and answers 250 only after it settled: a test
   * cuts a dependency of the sender at the moment its message was accepted.
   */
  onNextAccept(hook: () => Promise<void> | void): void {
    this.beforeNextAnswer = hook;
  }

  /** Answers every new connection with 421 "service not available" until called with false. */
  refuseConnections(refuse = true): void {
    this.refusing = refuse;
  }

  /** Accepts the held messages. */
  async release(): Promise<void> {
    const held = this.held;
    this.held = [];
    for (const h of held) h.accept();
  }

  get stalled(): number {
    return this.held.length;
  }

  /** Stops listening for SMTP, dropping open connections (an outage); {@link startSmtp} listens again on the same port. */
  async stopSmtp(): Promise<void> {
    const server = this.smtp;
    this.smtp = undefined;
    this.held = [];
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async startSmtp(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      closeTimeout: 200,
      onConnect: (_session, callback) => {
        this.connections++;
        callback(this.refusing ? smtpError(421, 'Service not available, try again later') : null);
      },
      onData: (stream, session, callback) => this.receive(stream, session, callback),
      onClose: (session) => {
        this.held = this.held.filter((h) => h.session !== session.id);
      },
    });
    server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(this.smtpPort || this.options.smtpPort || 0, this.host, () => resolve());
    });
    this.smtpPort = (server.server.address() as AddressInfo).port;
    this.smtp = server;
  }

  /** Every message in `dir`, oldest first. */
  async messages(): Promise<CaughtMessage[]> {
    const files = (await readdir(this.options.dir)).filter((f) => f.endsWith('.eml')).sort();
    return Promise.all(files.map((file) => this.parse(file)));
  }

  async message(id: string): Promise<CaughtMessage | undefined> {
    return (await this.messages()).find((m) => m.id === id);
  }

  async close(): Promise<void> {
    await this.stopSmtp();
    const http = this.http;
    this.http = undefined;
    if (http) {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  }

  private receive(
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    callback: (err?: Error | null) => void,
  ): void {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const raw = Buffer.concat(chunks);
      const rejection = this.rejections.shift();
      if (rejection) return callback(smtpError(rejection.code, rejection.message));
      const accept = () =>
        void this.store(raw).then(
          async () => {
            const hook = this.beforeNextAnswer;
            this.beforeNextAnswer = undefined;
            // A failing hook must not leave the client waiting for its answer.
            await Promise.resolve(hook?.()).catch(() => undefined);
            callback();
          },
          (error: Error) => callback(smtpError(451, error.message)),
        );
      if (this.stalls > 0) {
        this.stalls--;
        this.held.push({ session: session.id, raw, accept });
        return;
      }
      accept();
    });
  }

  private async store(raw: Buffer): Promise<void> {
    const id = randomBytes(6).toString('hex');
    await writeFile(join(this.options.dir, `${new Date().toISOString()}-${id}.eml`), raw);
  }

  private parse(file: string): Promise<CaughtMessage> {
    let parsed = this.parsed.get(file);
    if (!parsed) {
      parsed = readFile(join(this.options.dir, file)).then(async (raw) => {
        const mail = await simpleParser(raw);
        const from = mail.from?.value[0];
        const references =
          mail.references === undefined ? [] : Array.isArray(mail.references) ? mail.references : [mail.references];
        return {
          id: file.slice(-'0123456789ab.eml'.length, -'.eml'.length),
          file,
          date: file.slice(0, -'-0123456789ab.eml'.length),
          from: { name: from?.name ?? '', address: from?.address ?? '' },
          to: addresses(mail.to),
          cc: addresses(mail.cc),
          replyTo: addresses(mail.replyTo)[0] ?? null,
          subject: mail.subject ?? '',
          messageId: mail.messageId ?? null,
          inReplyTo: mail.inReplyTo ?? null,
          references,
          text: mail.text ?? '',
          html: typeof mail.html === 'string' ? mail.html : null,
        };
      });
      this.parsed.set(file, parsed);
    }
    return parsed;
  }

  private async startHttp(port: number): Promise<void> {
    const server = createServer((request, response) => {
      this.serve(request, response).catch((error: Error) =>
        send(response, 500, 'text/plain; charset=utf-8', error.message),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => resolve());
    });
    this.httpPort = (server.address() as AddressInfo).port;
    this.http = server;
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://catcher').pathname;
    if (request.method !== 'GET') return send(response, 405, 'text/plain; charset=utf-8', 'Method not allowed');
    if (path === '/') return send(response, 200, 'text/html; charset=utf-8', listingPage(await this.messages()));
    if (path === '/messages') {
      const list = (await this.messages()).map(({ text: _text, html: _html, ...summary }) => summary);
      return send(response, 200, 'application/json', JSON.stringify(list));
    }
    const match = /^\/messages\/([0-9a-f]{12})(\.eml)?$/.exec(path);
    const message = match ? await this.message(match[1]!) : undefined;
    if (!message) return send(response, 404, 'text/plain; charset=utf-8', 'No such message');
    if (match![2]) return send(response, 200, 'message/rfc822', await readFile(join(this.options.dir, message.file)));
    if (message.html !== null) return send(response, 200, 'text/html; charset=utf-8', message.html);
    return send(response, 200, 'text/plain; charset=utf-8', message.text);
  }
}

function send(response: ServerResponse, status: number, type: string, body: string | Buffer): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  response.end(body);
}

function listingPage(messages: readonly CaughtMessage[]): string {
  const rows = [...messages].reverse().map((m) => {
    const from = m.from.name ? `${m.from.name} <${m.from.address}>` : m.from.address;
    return `<tr><td>${escapeHtml(m.date)}</td><td>${escapeHtml(from)}</td><td>${escapeHtml(m.to.join(', '))}</td><td><a href="/messages/${m.id}">${escapeHtml(m.subject || '(no subject)')}</a></td><td><a href="/messages/${m.id}.eml">raw</a></td></tr>`;
  });
  return [
    '<!doctype html><html><head><meta charset="utf-8"><title>Mail catcher</title>',
    '<style>body{font-family:sans-serif}td,th{padding:4px 8px;text-align:left;border-bottom:1px solid #ddd}</style></head><body>',
    `<h1>Mail catcher: ${messages.length} message(s)</h1>`,
    '<table><thead><tr><th>Date</th><th>From</th><th>To</th><th>Subject</th><th></th></tr></thead><tbody>',
    ...rows,
    '</tbody></table></body></html>',
  ].join('\n');
}
