import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { waitFor } from './wait-for';

const DOVECOT = existsSync('/usr/sbin/dovecot') ? '/usr/sbin/dovecot' : 'dovecot';

/**
 * A Dovecot IMAP server of the test's own (Debian's dovecot-imapd, which scripts/test.sh installs)
 * on a free loopback port, for tests that fetch a real mailbox: plaintext logins of the given
 * users, maildirs, state and logs in a temporary directory, run as the current user. stop() and
 * start() take it away and bring it back on the same port and mail.
 */
export class DovecotServer {
  private child?: ChildProcess;

  private constructor(
    readonly port: number,
    readonly dir: string,
    readonly users: Readonly<Record<string, string>>,
  ) {}

  /** `users` maps user names to passwords. */
  static async start(users: Readonly<Record<string, string>>): Promise<DovecotServer> {
    const server = new DovecotServer(await freePort(), mkdtempSync(join(tmpdir(), 'helpdeskly-dovecot-')), users);
    server.writeConfig();
    await server.run();
    return server;
  }

  readonly host = '127.0.0.1';

  /** Takes it away (SIGKILL: an outage, connections drop), keeping its port and mail for {@link start}. */
  async stop(): Promise<void> {
    await this.kill();
  }

  /** Starts it again after {@link stop}, on the same port and mail. */
  async start(): Promise<void> {
    await this.run();
  }

  /** Stops it and removes its directory. */
  async close(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private get configFile(): string {
    return join(this.dir, 'dovecot.conf');
  }

  private writeConfig(): void {
    const me = userInfo();
    // Readable by Dovecot's auth process, which runs as its own user when the tests run as root.
    chmodSync(this.dir, 0o755);
    for (const sub of ['base', 'state', 'mail']) mkdirSync(join(this.dir, sub), { recursive: true });
    const passwd = join(this.dir, 'passwd');
    writeFileSync(
      passwd,
      Object.entries(this.users)
        .map(([user, password]) => `${user}:{PLAIN}${password}\n`)
        .join(''),
    );
    const mail = join(this.dir, 'mail');
    // Dovecot never opens a mailbox as root: as root, the mail belongs to nobody.
    const mailUser = me.uid === 0 ? { uid: 65534, gid: 65534 } : { uid: me.uid, gid: me.gid };
    if (me.uid === 0) chownSync(mail, mailUser.uid, mailUser.gid);
    writeFileSync(
      this.configFile,
      [
        'protocols = imap',
        'listen = 127.0.0.1',
        `base_dir = ${join(this.dir, 'base')}`,
        `state_dir = ${join(this.dir, 'state')}`,
        `log_path = ${join(this.dir, 'dovecot.log')}`,
        `info_log_path = ${join(this.dir, 'dovecot.log')}`,
        'ssl = no',
        'disable_plaintext_auth = no',
        'auth_mechanisms = plain login',
        // As root, Dovecot's own users (dovecot, dovenull) run its services, and imap-login refuses root;
        // as anyone else, that user runs them all.
        ...(me.uid === 0
          ? ['first_valid_uid = 0', 'first_valid_gid = 0']
          : [
              `default_internal_user = ${me.username}`,
              `default_internal_group = ${groupName(me.gid)}`,
              `default_login_user = ${me.username}`,
            ]),
        `mail_location = maildir:${mail}/%u`,
        'passdb {',
        '  driver = passwd-file',
        `  args = scheme=PLAIN username_format=%u ${passwd}`,
        '}',
        'userdb {',
        '  driver = static',
        `  args = uid=${mailUser.uid} gid=${mailUser.gid} home=${mail}/%u`,
        '}',
        'service anvil {',
        '  chroot =',
        '}',
        'service imap-login {',
        '  chroot =',
        '  inet_listener imap {',
        `    port = ${this.port}`,
        '  }',
        '  inet_listener imaps {',
        '    port = 0',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  }

  private async run(): Promise<void> {
    this.child = spawn(DOVECOT, ['-F', '-c', this.configFile], { stdio: 'ignore' });
    try {
      await waitFor(
        `dovecot on ${this.port} (log: ${join(this.dir, 'dovecot.log')})`,
        () => greets(this.host, this.port),
        20_000,
        50,
      );
    } catch (error) {
      await this.kill();
      throw error;
    }
  }

  private async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // The master's children (imap-login, imap, auth) exit when it does; SIGTERM lets it tell them.
    child.kill('SIGTERM');
    await exited;
    await waitFor(`dovecot on ${this.port} to go`, async () => !(await greets(this.host, this.port)), 10_000, 50);
  }
}

/** The name of a group id, from /etc/group; the id itself when it has none. */
function groupName(gid: number): string {
  try {
    const line = readFileSync('/etc/group', 'utf8')
      .split('\n')
      .find((entry) => entry.split(':')[2] === String(gid));
    return line ? line.split(':')[0] : String(gid);
  } catch {
    return String(gid);
  }
}

/** True when an IMAP server answers `* OK` on the port. */
function greets(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done(false), 1_000);
    socket.once('close', () => clearTimeout(timer));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(data.toString().startsWith('* OK')));
  });
}
