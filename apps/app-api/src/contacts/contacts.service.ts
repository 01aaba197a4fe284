import { Injectable } from '@nestjs/common';
import type { Contact } from '@helpdeskly/database';
import { ContactsErrorCode, ContactsException } from './contacts.errors';
import { ContactsRepository } from './contacts.repository';
import {
  type ContactDto,
  type ContactPageDto,
  type CreateContactDto,
  type ListContactsQueryDto,
  toContactDto,
  type UpdateContactDto,
} from './dto/contact.dto';

export const DEFAULT_PAGE_SIZE = 25;

@Injectable()
export class ContactsService {
  constructor(private readonly contacts: ContactsRepository) {}

  async create(dto: CreateContactDto): Promise<ContactDto> {
    const contact = await this.contacts.create({
      name: dto.name,
      email: dto.email.toLowerCase(),
      phone: dto.phone ?? null,
      organization: dto.organization ?? null,
    });
    if (!contact)
      throw new ContactsException(
        ContactsErrorCode.ContactEmailTaken,
        `A contact with the email ${dto.email.toLowerCase()} exists.`,
      );
    return toContactDto(contact);
  }

  async list(query: ListContactsQueryDto): Promise<ContactPageDto> {
    const page = await this.contacts.list(query.q, query.cursor, query.limit ?? DEFAULT_PAGE_SIZE);
    return { items: page.items.map(toContactDto), nextCursor: page.nextCursor };
  }

  async get(id: string): Promise<ContactDto> {
    return toContactDto(await this.require(id));
  }

  /** The contact, or 404 `contact_not_found`. */
  async require(id: string): Promise<Contact> {
    const contact = await this.contacts.findById(id);
    if (!contact) throw new ContactsException(ContactsErrorCode.ContactNotFound);
    return contact;
  }

  async update(id: string, dto: UpdateContactDto): Promise<ContactDto> {
    const data = { ...dto, ...(dto.email !== undefined ? { email: dto.email.toLowerCase() } : {}) };
    const result = await this.contacts.update(id, data);
    if (result === 'email_taken')
      throw new ContactsException(
        ContactsErrorCode.ContactEmailTaken,
        `A contact with the email ${data.email} exists.`,
      );
    if (!result) throw new ContactsException(ContactsErrorCode.ContactNotFound);
    return toContactDto(result);
  }
}
