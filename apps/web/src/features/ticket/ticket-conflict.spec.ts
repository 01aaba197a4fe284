import { describe, it } from 'node:test';
import { expect } from 'expect';
import { humanize } from '../../lib/format';
import { conflictMessage, describeChanges, type Ticket } from './ticket-conflict';
import { statusChoices } from './ticket-status';

const ticket: Ticket = {
  id: 't-1',
  number: 7,
  subject: 'Printer on fire',
  description: 'Smoke.',
  status: 'OPEN',
  priority: 'NORMAL',
  type: 'INCIDENT',
  requesterId: 'c-1',
  requester: { id: 'c-1', email: 'bob@example.com', name: 'Bob' } as Ticket['requester'],
  assigneeId: null,
  createdById: null,
  tags: ['printer'],
  version: 3,
  firstResponseDueAt: null,
  resolutionDueAt: null,
  firstRespondedAt: null,
  solvedAt: null,
  closedAt: null,
  createdAt: '2026-12-04T10:00:00Z',
  updatedAt: '2026-12-04T10:00:00Z',
};
const nameOf = (id: string | null) => (id === null ? 'nobody' : id === 'u-ada' ? 'Ada' : 'someone');

describe(describeChanges.name, () => {
  it('names each field that differs, in words', () => {
    const after = { ...ticket, status: 'ON_HOLD' as const, assigneeId: 'u-ada', tags: ['printer', 'vip'], version: 5 };
    expect(describeChanges(ticket, after, nameOf)).toEqual([
      'status Open → On hold',
      'assignee nobody → Ada',
      'tags printer, vip',
    ]);
  });

  it('is empty when only the version moved (a comment, say)', () => {
    expect(describeChanges(ticket, { ...ticket, version: 4 }, nameOf)).toEqual([]);
  });
});

describe(conflictMessage.name, () => {
  it('says the change was not saved and what the other person changed', () => {
    expect(conflictMessage(ticket, { ...ticket, priority: 'URGENT' }, nameOf)).toBe(
      'Someone else changed this ticket while you were looking at it, so your change was not saved. ' +
        'They changed priority Normal → Urgent. It is reloaded: make your change again if it still applies.',
    );
  });

  it('asks for a reload when the new version could not be read', () => {
    expect(conflictMessage(ticket, undefined, nameOf)).toMatch(/not saved\. Reload it/);
  });
});

describe(humanize.name, () => {
  it('turns enum values into words', () => {
    expect(humanize('ON_HOLD')).toBe('On hold');
    expect(humanize('NEW')).toBe('New');
  });
});

describe(statusChoices.name, () => {
  it('offers the current status and the allowed moves', () => {
    expect(statusChoices('NEW')).toEqual(['NEW', 'OPEN', 'PENDING', 'ON_HOLD', 'SOLVED']);
    expect(statusChoices('SOLVED')).toEqual(['SOLVED', 'OPEN', 'CLOSED']);
    expect(statusChoices('CLOSED')).toEqual(['CLOSED']);
  });
});
