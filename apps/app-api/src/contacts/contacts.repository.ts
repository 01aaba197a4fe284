import { Injectable } from '@nestjs/common';
import { type Contact, isUniqueViolation, type Page, pageArgs, type TenantPrisma, toPage } from '@helpdeskly/database';
import { TenantDatabase } from '@helpdeskly/tenant-data';

export interface ContactData {
  readonly name: string;
  /** Lower-cased by the caller. */
  readonly email: string;
  readonly phone?: string | null;
  readonly organization?: string | null;
}

/** Contacts (requesters) of the current tenant. Emails are stored lower-cased. */
@Injectable()
export class ContactsRepository {
  constructor(private readonly db: TenantDatabase) {}

  /** Null when the email is taken. */
  async create(data: ContactData): Promise<Contact | null> {
    return this.db.client().contact.create({ data }).catch(nullOnUniqueViolation);
  }

  findById(id: string, tx?: TenantPrisma.TransactionClient): Promise<Contact | null> {
    return (tx ?? this.db.client()).contact.findUnique({ where: { id } });
  }

  /** Name or email containing `q` (case-insensitive), by name then id. */
  async list(q: string | undefined, cursor: string | undefined, limit: number): Promise<Page<Contact>> {
    const where: TenantPrisma.ContactWhereInput = q
      ? { OR: [{ name: { contains: q, mode: 'insensitive' } }, { email: { contains: q.toLowerCase() } }] }
      : {};
    const rows = await this.db
      .client()
      .contact.findMany({ where, orderBy: [{ name: 'asc' }, { id: 'asc' }], ...pageArgs(cursor, limit) });
    return toPage(rows, limit);
  }

  /** Null when the contact does not exist; 'email_taken' when the new email belongs to another. */
  async update(id: string, data: Partial<ContactData>): Promise<Contact | null | 'email_taken'> {
    try {
      const { count } = await this.db.client().contact.updateMany({ where: { id }, data });
      return count === 0 ? null : this.findById(id);
    } catch (error) {
      if (isUniqueViolation(error)) return 'email_taken';
      throw error;
    }
  }
}

function nullOnUniqueViolation(error: unknown): null {
  if (isUniqueViolation(error)) return null;
  throw error;
}
