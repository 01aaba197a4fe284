import { describe, it } from 'node:test';
import { expect } from 'expect';
import type { AuthContext } from '@helpdeskly/auth';
import type { AuditEntry, AuditService } from '@helpdeskly/audit';
import { type MailChannel, MailChannelStatus, SecretBox } from '@helpdeskly/database';
import { ProblemException } from '@helpdeskly/errors';
import type { ClientInfo } from '../common/client-info';
import type { MailChannelsRepository } from './mail-channels.repository';
import { MailChannelsService } from './mail-channels.service';

const box = SecretBox.fromKey('a-test-key-of-at-least-32-characters');
const auth = { tenantId: 'tenant-a', userId: 'user-a' } as AuthContext;
const client: ClientInfo = { ip: '127.0.0.1', userAgent: 'spec' };

/** One tenant's channels as the repository keeps them; `changes` records each update. */
class FakeMailChannelsRepository {
  readonly changes: Array<Record<string, unknown>> = [];

  constructor(readonly rows: MailChannel[]) {}

  async find(tenantId: string, id: string): Promise<MailChannel | null> {
    return this.rows.find((r) => r.id === id && r.tenantId === tenantId) ?? null;
  }

  async update(tenantId: string, id: string, changes: Record<string, unknown>) {
    const row = await this.find(tenantId, id);
    if (!row) return null;
    this.changes.push(changes);
    Object.assign(row, changes);
    return row;
  }
}

const channel = (overrides: Partial<MailChannel> = {}): MailChannel =>
  ({
    id: 'channel-1',
    tenantId: auth.tenantId,
    kind: 'IMAP',
    host: 'imap.example.test',
    port: 993,
    tls: 'implicit',
    username: 'support',
    passwordSealed: box.seal('the-password'),
    mailbox: 'INBOX',
    afterFetch: 'seen',
    uidValidity: 7n,
    lastUid: 41n,
    status: MailChannelStatus.ACTIVE,
    lastError: null,
    lastFetchedAt: null,
    createdAt: new Date('2026-12-01T00:00:00Z'),
    updatedAt: new Date('2026-12-01T00:00:00Z'),
    ...overrides,
  }) as MailChannel;

const setup = (rows: MailChannel[]) => {
  const repository = new FakeMailChannelsRepository(rows);
  const audits: AuditEntry[] = [];
  const audit = { record: async (entry: AuditEntry) => void audits.push(entry) } as unknown as AuditService;
  const sut = new MailChannelsService(repository as unknown as MailChannelsRepository, box, audit);
  return { sut, repository, audits };
};

const problemOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProblemException);
  const problem = (error as ProblemException).problem;
  return { status: problem.status, code: problem.code };
};

describe(MailChannelsService.name, () => {
  describe('update', () => {
    it('refuses an empty change with validation_failed, and an unknown or foreign id with 404', async () => {
      const { sut, repository } = setup([channel(), channel({ id: 'channel-b', tenantId: 'tenant-b' })]);
      expect(await problemOf(sut.update(auth, 'channel-1', {}, client))).toEqual({
        status: 400,
        code: 'validation_failed',
      });
      for (const id of ['channel-b', 'nope'])
        expect(await problemOf(sut.update(auth, id, { active: false }, client))).toEqual({
          status: 404,
          code: 'mail_channel_not_found',
        });
      expect(repository.changes).toEqual([]);
    });

    it('pauses (DISABLED) and resumes a FAILING channel (ACTIVE, lastError cleared), audited as "active"', async () => {
      const { sut, repository, audits } = setup([
        channel({ status: MailChannelStatus.FAILING, lastError: 'The IMAP server … could not be reached' }),
      ]);
      expect((await sut.update(auth, 'channel-1', { active: false }, client)).status).toBe('DISABLED');
      const resumed = await sut.update(auth, 'channel-1', { active: true }, client);
      expect(resumed).toMatchObject({ status: 'ACTIVE', lastError: null });
      expect(repository.changes).toEqual([
        { status: MailChannelStatus.DISABLED },
        { status: MailChannelStatus.ACTIVE, lastError: null },
      ]);
      expect(audits.map((a) => [a.action, a.metadata])).toEqual([
        ['mail_channel.updated', { fields: ['active'], active: false }],
        ['mail_channel.updated', { fields: ['active'], active: true }],
      ]);
    });

    it('changes afterFetch without logging in again, and saves nothing for values it already has', async () => {
      const { sut, repository, audits } = setup([channel()]);
      // The same password, the host in other case, an ACTIVE one resumed: no change, no login, no write, no audit.
      await sut.update(
        auth,
        'channel-1',
        { password: 'the-password', host: 'IMAP.example.test', active: true },
        client,
      );
      expect(repository.changes).toEqual([]);
      expect(audits).toEqual([]);
      const moved = await sut.update(auth, 'channel-1', { afterFetch: 'Helpdesk' }, client);
      expect(moved.afterFetch).toBe('Helpdesk');
      expect(repository.changes).toEqual([{ afterFetch: 'Helpdesk' }]);
      expect(audits.map((a) => a.metadata)).toEqual([{ fields: ['afterFetch'] }]);
    });
  });
});
