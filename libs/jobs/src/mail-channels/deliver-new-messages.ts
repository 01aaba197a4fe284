import type { DeliveryDecision } from './delivery-decision';

/** The mailbox as the delivery step sees it (imapflow's client in the fetcher, a fake in the unit spec). */
export interface MailboxPort {
  /** UIDVALIDITY of the open mailbox; null when the server sent none. */
  readonly uidValidity: bigint | null;
  /** The UIDs above `lastUid`. */
  uidsAbove(lastUid: bigint): Promise<bigint[]>;
  /** The raw message and its From address; null when it was expunged meanwhile. */
  read(uid: bigint): Promise<{ raw: Buffer; from: string } | null>;
  /** Flags it \Seen or moves it (the channel's after_fetch). */
  markTaken(uid: bigint): Promise<void>;
}

/** Where the channel stands, in the control database. */
export interface ChannelPositionPort {
  position(id: string): Promise<{ uidValidity: bigint | null; lastUid: bigint } | null>;
  resetPosition(id: string, uidValidity: bigint): Promise<void>;
  advance(id: string, uid: bigint, error?: string | null): Promise<void>;
  recordError(id: string, error: string): Promise<void>;
}

export interface DeliveryPort {
  deliver(raw: Buffer, from: string, to: string): Promise<DeliveryDecision>;
}

/** `done`: nothing new is left; `deferred`: app-api deferred one (try again later); `gone`: the channel was deleted. */
export type DeliveryRun =
  | { readonly outcome: 'done' | 'gone' }
  | { readonly outcome: 'deferred'; readonly uid: bigint; readonly reason: string };

/**
 * Delivers every message above the channel's last_uid to `to`, in UID order, each in this order:
 * delivered (250), then last_uid, then flagged or moved. A 4xx stops the run with last_uid before
 * that message; a 5xx moves last_uid past it with the reason, and leaves it unflagged.
 */
export async function deliverNewMessages(options: {
  readonly channelId: string;
  readonly to: string;
  readonly mailbox: MailboxPort;
  readonly positions: ChannelPositionPort;
  readonly delivery: DeliveryPort;
  /** Checked before each message: true stops the run (shutdown, lost connection). */
  readonly stopped: () => boolean;
}): Promise<DeliveryRun> {
  const { channelId, to, mailbox, positions, delivery, stopped } = options;
  const position = await positions.position(channelId);
  if (!position) return { outcome: 'gone' };
  let lastUid = position.lastUid;
  if (mailbox.uidValidity !== null && position.uidValidity !== mailbox.uidValidity) {
    // A new UIDVALIDITY: the UIDs mean other messages now. From 0 again; app-api drops what it already has.
    await positions.resetPosition(channelId, mailbox.uidValidity);
    lastUid = 0n;
  }
  const uids = (await mailbox.uidsAbove(lastUid)).filter((uid) => uid > lastUid);
  uids.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const uid of uids) {
    if (stopped()) return { outcome: 'done' };
    const message = await mailbox.read(uid);
    if (!message) {
      await positions.advance(channelId, uid);
      continue;
    }
    const decision = await delivery.deliver(message.raw, message.from, to);
    if (decision.outcome === 'retry') {
      await positions.recordError(channelId, `UID ${uid}: ${decision.reason}; trying again later`);
      return { outcome: 'deferred', uid, reason: decision.reason };
    }
    if (decision.outcome === 'skip') {
      await positions.advance(channelId, uid, `UID ${uid}: ${decision.reason}; left in the mailbox, unflagged`);
      continue;
    }
    // last_uid first, then the flag: a crash in between delivers it again, and app-api drops the duplicate.
    await positions.advance(channelId, uid);
    await mailbox.markTaken(uid);
  }
  return { outcome: 'done' };
}
