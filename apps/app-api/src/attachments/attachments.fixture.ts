import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MembershipRole } from '@helpdeskly/database';
import type { AppFixture, FixtureMember } from '../testing/app-fixture';
import { startHelpdeskSession } from '../testing/helpdesk-session';

/** A 1x1 PNG's signature and header: file-type sniffs it as image/png. */
export const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

/**
 * What the attachment specs start from: app-api with a storage directory of its own and limits
 * small enough to reach with a few bytes (1 KiB a file, 3 files, 3000 bytes a tenant), a tenant's
 * OWNER and AGENT, and the OWNER of another tenant.
 */
export interface AttachmentSession {
  readonly fx: AppFixture;
  readonly owner: FixtureMember;
  readonly agent: FixtureMember;
  readonly other: FixtureMember;
  /** A new ticket of the member's tenant, by its requester's address. */
  ticketOf(member: FixtureMember, requesterEmail: string): Promise<string>;
  close(): Promise<void>;
}

export async function startAttachmentSession(name: string): Promise<AttachmentSession> {
  const dir = await mkdtemp(join(tmpdir(), `helpdeskly-${name}-`));
  const removeDir = () => rm(dir, { recursive: true, force: true });
  try {
    const { fx, owner, agent, other } = await startHelpdeskSession(
      { agent: MembershipRole.AGENT },
      {
        STORAGE_LOCAL_DIR: dir,
        ATTACHMENT_MAX_BYTES: '1024',
        ATTACHMENT_MAX_FILES: '3',
        ATTACHMENT_TENANT_QUOTA_BYTES: '3000',
      },
    );
    return {
      fx,
      owner,
      agent,
      other,
      ticketOf: async (member, requesterEmail) =>
        (
          await fx.request<{ id: string }>('POST', '/v1/tickets', {
            token: member.token,
            body: { subject: 'Files', description: 'See files.', requester: { email: requesterEmail } },
          })
        ).body.id,
      close: async () => {
        try {
          await fx.close();
        } finally {
          await removeDir();
        }
      },
    };
  } catch (error) {
    await removeDir();
    throw error;
  }
}
