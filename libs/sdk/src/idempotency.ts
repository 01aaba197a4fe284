/**
 * A new `Idempotency-Key` header for one intended change (a ticket to create): send the same
 * object with each retry of that change, so that the API does it once and replays its first answer.
 */
export const idempotencyKey = (): { 'Idempotency-Key': string } => ({
  'Idempotency-Key': globalThis.crypto.randomUUID(),
});
