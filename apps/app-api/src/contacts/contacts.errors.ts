import { type CodeOf, defineErrors } from '@helpdeskly/errors';

const contacts = defineErrors('contacts', {
  ContactNotFound: { code: 'contact_not_found', status: 404, title: 'Contact not found' },
  ContactEmailTaken: { code: 'contact_email_taken', status: 409, title: 'A contact with this email exists' },
});

export const ContactsErrorCode = contacts.codes;
export type ContactsErrorCode = CodeOf<typeof ContactsErrorCode>;

/** Errors of contacts, rendered as problem details by the global filter. */
export class ContactsException extends contacts.Exception {}
