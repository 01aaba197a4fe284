import { DomainException } from '@helpdeskly/errors';

export enum ContactsErrorCode {
  ContactNotFound = 'contact_not_found',
  ContactEmailTaken = 'contact_email_taken',
}

const CONTACTS_ERRORS: Readonly<Record<ContactsErrorCode, { status: number; title: string }>> = {
  [ContactsErrorCode.ContactNotFound]: { status: 404, title: 'Contact not found' },
  [ContactsErrorCode.ContactEmailTaken]: { status: 409, title: 'A contact with this email exists' },
};

/** Errors of contacts, rendered as problem details by the global filter. */
export class ContactsException extends DomainException<ContactsErrorCode> {
  constructor(
    readonly code: ContactsErrorCode,
    detail?: string,
  ) {
    super(CONTACTS_ERRORS, code, detail);
  }
}
