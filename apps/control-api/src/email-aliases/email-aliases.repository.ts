import { Injectable } from '@nestjs/common';
import { ControlDatabase, type EmailAlias, isUniqueViolation } from '@helpdeskly/database';

/** A tenant's email aliases in the control database; every query names the tenant. */
@Injectable()
export class EmailAliasesRepository {
  constructor(private readonly db: ControlDatabase) {}

  /**
   * The new alias; 'exists' when the tenant has that name already, 'limit' when it has `max`
   * aliases. Counted and inserted under a lock of the tenant's aliases, so concurrent creations
   * never pass the limit.
   */
  async create(tenantId: string, name: string, max: number): Promise<EmailAlias | 'exists' | 'limit'> {
    try {
      return await this.db.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`email-aliases:${tenantId}`}, 0))`;
        if ((await tx.emailAlias.count({ where: { tenantId } })) >= max) return 'limit' as const;
        return tx.emailAlias.create({ data: { tenantId, name } });
      });
    } catch (error) {
      if (isUniqueViolation(error)) return 'exists';
      throw error;
    }
  }

  /** The tenant's slug, the rest of its addresses. */
  async slugOf(tenantId: string): Promise<string> {
    const tenant = await this.db.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { slug: true } });
    return tenant.slug;
  }

  list(tenantId: string): Promise<EmailAlias[]> {
    return this.db.emailAlias.findMany({ where: { tenantId }, orderBy: [{ createdAt: 'asc' }, { name: 'asc' }] });
  }

  /** The deleted alias, or null when the tenant has none of that id. */
  async delete(tenantId: string, id: string): Promise<EmailAlias | null> {
    const [deleted] = await this.db.$queryRaw<EmailAlias[]>`
      DELETE FROM email_aliases WHERE id = ${id}::uuid AND tenant_id = ${tenantId}::uuid
      RETURNING id, tenant_id AS "tenantId", name, created_at AS "createdAt"`;
    return deleted ?? null;
  }
}
