import { TicketPriority } from '@helpdeskly/database';

/** Targets of one priority, in minutes from the ticket's creation. */
export interface SlaTarget {
  readonly firstResponseMinutes: number;
  readonly resolutionMinutes: number;
}

export type SlaTargets = Readonly<Record<TicketPriority, SlaTarget>>;

/** Used until a tenant sets its own (stored under the setting key `sla`). */
export const DEFAULT_SLA: SlaTargets = {
  [TicketPriority.URGENT]: { firstResponseMinutes: 60, resolutionMinutes: 240 },
  [TicketPriority.HIGH]: { firstResponseMinutes: 240, resolutionMinutes: 1440 },
  [TicketPriority.NORMAL]: { firstResponseMinutes: 480, resolutionMinutes: 2880 },
  [TicketPriority.LOW]: { firstResponseMinutes: 1440, resolutionMinutes: 5760 },
};

export interface DueTimes {
  readonly firstResponseDueAt: Date;
  readonly resolutionDueAt: Date;
}

const MINUTE_MS = 60_000;

/** Due times of a ticket of `priority` created at `createdAt` (calendar minutes, no business hours). */
export function dueTimes(sla: SlaTargets, priority: TicketPriority, createdAt: Date): DueTimes {
  const target = sla[priority];
  return {
    firstResponseDueAt: new Date(createdAt.getTime() + target.firstResponseMinutes * MINUTE_MS),
    resolutionDueAt: new Date(createdAt.getTime() + target.resolutionMinutes * MINUTE_MS),
  };
}

/** A stored value read back: any priority missing or malformed falls back to its default. */
export function slaFromStored(value: unknown): SlaTargets {
  const stored = (value && typeof value === 'object' ? value : {}) as Record<string, Partial<SlaTarget> | undefined>;
  const valid = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n > 0;
  const entries = Object.values(TicketPriority).map((p) => {
    const s = stored[p];
    return [
      p,
      s && valid(s.firstResponseMinutes) && valid(s.resolutionMinutes)
        ? { firstResponseMinutes: s.firstResponseMinutes, resolutionMinutes: s.resolutionMinutes }
        : DEFAULT_SLA[p],
    ] as const;
  });
  return Object.fromEntries(entries) as unknown as SlaTargets;
}
