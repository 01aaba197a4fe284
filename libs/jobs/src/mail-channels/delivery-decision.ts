/**
 * What the fetcher does with a message after handing it to app-api's inbound SMTP server:
 * `delivered` (2xx): advance last_uid, then flag or move it; `retry` (4xx, or no answer at all):
 * leave everything as it is and try again later; `skip` (5xx: refused for good, e.g. 552 too big):
 * advance last_uid so that one bad message never blocks the mailbox, record why, leave it unflagged.
 */
export type DeliveryDecision =
  | { readonly outcome: 'delivered' }
  | { readonly outcome: 'retry'; readonly reason: string }
  | { readonly outcome: 'skip'; readonly reason: string };

interface SmtpFailure {
  responseCode?: number;
  code?: string;
  rejectedErrors?: Array<{ responseCode?: number }>;
}

/** The decision for the outcome of one sendMail(): `error` is what it rejected with, undefined when it resolved. */
export function deliveryDecisionOf(error?: unknown): DeliveryDecision {
  if (error === undefined) return { outcome: 'delivered' };
  const failure = (error ?? {}) as SmtpFailure;
  const status = failure.responseCode ?? failure.rejectedErrors?.find((e) => e.responseCode)?.responseCode;
  if (status !== undefined && status >= 500 && status < 600)
    return { outcome: 'skip', reason: `app-api refused the message for good (SMTP ${status})` };
  if (status !== undefined) return { outcome: 'retry', reason: `app-api deferred the message (SMTP ${status})` };
  return { outcome: 'retry', reason: `app-api's inbound SMTP server did not answer (${failure.code ?? 'error'})` };
}

/** Exponential backoff from 1 s, doubled per consecutive failure, capped at `capMs` (60 s). */
export function backoffMs(failures: number, capMs = 60_000): number {
  if (failures <= 0) return 0;
  return Math.min(capMs, 1_000 * 2 ** Math.min(failures - 1, 16));
}
