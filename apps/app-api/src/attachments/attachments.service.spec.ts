import { describe, it } from 'node:test';
import { expect } from 'expect';
import type { InboundAttachment } from '@helpdeskly/inbound-email';
import { MetricsRegistry } from '@helpdeskly/metrics';
import { type ObjectStorage, StorageUnavailableError } from '@helpdeskly/storage';
import { unitConfig } from '@helpdeskly/testing';
import type { AttachmentsRepository, NewAttachment } from './attachments.repository';
import { AttachmentsService } from './attachments.service';

/** The repository's rows in memory. */
class FakeRepository {
  readonly rows: NewAttachment[] = [];
  async usedBytes() {
    return this.rows.reduce((n, r) => n + r.size, 0);
  }
  async insertMany(rows: readonly NewAttachment[]) {
    this.rows.push(...rows);
  }
}

/** A store that goes away after `working` puts, as S3 would in an outage. */
const storageFailingAfter = (working: number) => {
  let puts = 0;
  return {
    put: async (key: string, body: Buffer) => {
      if (++puts > working) throw new StorageUnavailableError('S3 unreachable');
      return { key, size: body.length, sha256: 'x' };
    },
  } as unknown as ObjectStorage;
};

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
});
