import { describe, it } from 'node:test';
import { expect } from 'expect';
import type { InboundAttachment } from '@helpdeskly/inbound-email';
import { MetricsRegistry } from '@helpdeskly/metrics';
import { type ObjectStorage, StorageUnavailableError } from '@helpdeskly/storage';
import { unitConfig } from '@helpdeskly/testing';
import type { Upload } from '@helpdeskly/database';
import type { TenantContext } from '../tenancy/tenant-context';
import { AttachmentsErrorCode, type AttachmentsException } from './attachments.errors';
import type { AttachmentsRepository, NewAttachment } from './attachments.repository';
import { AttachmentsService, UPLOAD_TTL_MS } from './attachments.service';
import type { UploadsRepository } from './uploads.repository';

/** The repository's rows in memory; the quota counts the pending uploads too. */
class FakeRepository {
  readonly rows: NewAttachment[] = [];
  constructor(private readonly uploads = new FakeUploads()) {}
  async usedBytes() {
    return [...this.rows, ...this.uploads.rows].reduce((n, r) => n + r.size, 0);
  }
  async insertMany(rows: readonly NewAttachment[]) {
    this.rows.push(...rows);
  }
}

class FakeUploads {
  readonly rows: Upload[] = [];
  async insertMany(rows: readonly Upload[]) {
    this.rows.push(...rows);
  }
}

/** A store that goes away after `working` puts, as S3 would in an outage; it records what it keeps. */
const storageFailingAfter = (working: number) => {
  let puts = 0;
  const kept = new Set<string>();
  const storage = {
    kept,
    put: async (key: string, body: Buffer) => {
      if (++puts > working) throw new StorageUnavailableError('S3 unreachable');
      kept.add(key);
      return { key, size: body.length, sha256: 'x' };
    },
    delete: async (key: string) => void kept.delete(key),
  };
  return storage as unknown as ObjectStorage & { kept: Set<string> };
};

const setup = (env: Record<string, string>, storage: ObjectStorage) => {
  const uploads = new FakeUploads();
  const repository = new FakeRepository(uploads);
  const sut = new AttachmentsService(
    unitConfig(env),
    repository as unknown as AttachmentsRepository,
    uploads as unknown as UploadsRepository,
    storage,
    new MetricsRegistry(),
  );
  return { sut, repository, uploads };
};
const member = { tenantId: 't1', userId: 'u1' } as TenantContext;
const uploaded = (filename: string, content: string) => ({ filename, content: Buffer.from(content) });

const file = (filename: string, content: string): InboundAttachment => ({
  filename,
  declaredType: 'text/plain',
  size: Buffer.byteLength(content),
  contentId: null,
  inline: false,
  content: Buffer.from(content),
});
const origin = { tenantId: 't1', ticketId: 'k1', commentId: null, inboundEmailId: 'e1' };

describe(AttachmentsService.name, () => {
  it('leaves the files of a message out when storage goes away, instead of failing the message', async () => {
    const repository = new FakeRepository();
    const sut = new AttachmentsService(
      unitConfig(),
      repository as unknown as AttachmentsRepository,
      new FakeUploads() as unknown as UploadsRepository,
      storageFailingAfter(1),
      new MetricsRegistry(),
    );
    const leftOut = await sut.keepFromEmail(origin, [file('a.txt', 'a'), file('b.txt', 'b')]);
    expect(repository.rows.map((r) => r.filename)).toEqual(['a.txt']);
    expect(leftOut).toEqual(['b.txt: file storage unavailable (kept in the raw message)']);
  });

  it('applies the limits in order: empty, too big, then the quota', async () => {
    const repository = new FakeRepository();
    const sut = new AttachmentsService(
      unitConfig({ ATTACHMENT_MAX_BYTES: '3', ATTACHMENT_TENANT_QUOTA_BYTES: '5' }),
      repository as unknown as AttachmentsRepository,
      new FakeUploads() as unknown as UploadsRepository,
      storageFailingAfter(100),
      new MetricsRegistry(),
    );
    const leftOut = await sut.keepFromEmail(origin, [
      file('empty.txt', ''),
      file('big.txt', 'abcd'),
      file('one.txt', 'abc'),
      file('two.txt', 'abc'),
    ]);
    expect(repository.rows.map((r) => r.filename)).toEqual(['one.txt']);
    expect(leftOut).toEqual([
      'empty.txt: empty',
      'big.txt: 4 bytes, over ATTACHMENT_MAX_BYTES (3)',
      "two.txt: over the tenant's storage quota",
    ]);
  });

  it("keeps a member's pending uploads as theirs, under the tenant's uploads/, expiring in 24 hours", async () => {
    const storage = storageFailingAfter(100);
    const { sut, uploads } = setup({}, storage);
    const before = Date.now();
    const { items } = await sut.uploadPending(member, [uploaded('../a.txt', 'a'), uploaded('b.txt', 'bb')]);
    expect(items.map((u) => [u.filename, u.size, u.contentType])).toEqual([
      ['a.txt', 1, 'text/plain'],
      ['b.txt', 2, 'text/plain'],
    ]);
    expect(uploads.rows.map((u) => [u.userId, u.storageKey])).toEqual(
      items.map((u) => ['u1', `tenants/t1/uploads/${u.id}`]),
    );
    expect(items[0].expiresAt.getTime()).toBeGreaterThanOrEqual(before + UPLOAD_TTL_MS);
    expect([...storage.kept]).toEqual(uploads.rows.map((u) => u.storageKey));
  });

  it('counts pending uploads against the quota, and keeps none of a request over it', async () => {
    const { sut, repository, uploads } = setup({ ATTACHMENT_TENANT_QUOTA_BYTES: '5' }, storageFailingAfter(100));
    await sut.uploadPending(member, [uploaded('a.txt', 'abc')]);
    const refused = await sut
      .uploadPending(member, [uploaded('b.txt', 'ab'), uploaded('c.txt', 'c')])
      .catch((e: AttachmentsException) => e);
    expect((refused as AttachmentsException).problem.code).toBe(AttachmentsErrorCode.QuotaExceeded);
    expect(uploads.rows.map((u) => u.filename)).toEqual(['a.txt']);
    expect(repository.rows).toEqual([]);
  });

  it('keeps no upload of a request when storage goes away midway, and deletes the objects already stored', async () => {
    const storage = storageFailingAfter(1);
    const { sut, uploads } = setup({}, storage);
    const refused = await sut
      .uploadPending(member, [uploaded('a.txt', 'a'), uploaded('b.txt', 'b')])
      .catch((e: AttachmentsException) => e);
    expect((refused as AttachmentsException).problem.code).toBe(AttachmentsErrorCode.StorageUnavailable);
    expect(uploads.rows).toEqual([]);
    expect(storage.kept.size).toBe(0);
  });
});
