import { describe, it } from 'node:test';
import { expect } from 'expect';
import type { AuditService } from '@helpdeskly/audit';
import type { AuthContext } from '@helpdeskly/auth';
import { unitConfig } from '@helpdeskly/testing';
import type { EmailAliasesRepository } from './email-aliases.repository';
import { EmailAliasesService } from './email-aliases.service';

const auth = { tenantId: 't-1', userId: 'u-1' } as AuthContext;
const client = { ip: '127.0.0.1', userAgent: 'spec' };

/** A repository that must not be written to, for a deployment without INBOUND_DOMAIN. */
function untouchedRepository(): EmailAliasesRepository {
  return {
    slugOf: async () => 'acme',
    list: async () => [{ id: 'a-1', tenantId: 't-1', name: 'billing', createdAt: new Date() }],
    create: async () => {
      throw new Error('no alias may be created without INBOUND_DOMAIN');
    },
  } as unknown as EmailAliasesRepository;
}

describe(EmailAliasesService.name, () => {
  it('answers no address and refuses aliases with 409 inbound_email_disabled when the deployment receives no mail', async () => {
    const service = new EmailAliasesService(unitConfig({ INBOUND_DOMAIN: '' }), untouchedRepository(), {
      record: async () => undefined,
    } as unknown as AuditService);
    expect(await service.list(auth)).toEqual({ address: null, items: [] });
    await expect(service.create(auth, 'billing', client)).rejects.toMatchObject({
      code: 'inbound_email_disabled',
      status: 409,
    });
  });
});
