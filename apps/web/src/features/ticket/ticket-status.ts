// Shared with the inbox through the SDK types, not by importing the inbox feature.
import type { AppApiSchemas } from '@helpdeskly/sdk';

type TicketStatus = AppApiSchemas['TicketDto']['status'];

// The moves app-api allows (docs/helpdesk.md); offering only these keeps a 422 invalid_transition
// for the rare case where the ticket moved meanwhile.
const NEXT: Record<TicketStatus, readonly TicketStatus[]> = {
  NEW: ['OPEN', 'PENDING', 'ON_HOLD', 'SOLVED'],
  OPEN: ['PENDING', 'ON_HOLD', 'SOLVED'],
  PENDING: ['OPEN', 'ON_HOLD', 'SOLVED'],
  ON_HOLD: ['OPEN', 'PENDING', 'SOLVED'],
  SOLVED: ['OPEN', 'CLOSED'],
  CLOSED: [],
};

/** The statuses a ticket in `status` can be set to, itself first (for a select). */
export const statusChoices = (status: TicketStatus): TicketStatus[] => [status, ...NEXT[status]];
