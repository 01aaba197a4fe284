import { describe, it } from 'node:test';
import { expect } from 'expect';
import { type DeliveryDecision } from './delivery-decision';
import {
  type ChannelPositionPort,
  deliverNewMessages,
  type DeliveryPort,
  type MailboxPort,
} from './deliver-new-messages';

/** A mailbox of messages by UID, and the journal of every step, in order, across the fakes. */
class FakeWorld {
  readonly journal: string[] = [];
  position: { uidValidity: bigint | null; lastUid: bigint } | null = { uidValidity: 7n, lastUid: 0n };
  readonly errors: string[] = [];

  readonly mailbox: MailboxPort;

  constructor(
    readonly messages: Map<bigint, string>,
    readonly answers: Record<string, DeliveryDecision> = {},
    uidValidity: bigint | null = 7n,
  ) {
    this.mailbox = {
      uidValidity,
      uidsAbove: async (lastUid) => {
        const above = [...this.messages.keys()].filter((uid) => uid > lastUid);
        // Like a server's `n:*`: the highest UID even when it is below n.
        return above.length > 0 ? above.reverse() : [...this.messages.keys()].slice(-1);
      },
      read: async (uid) => {
        const subject = this.messages.get(uid);
        return subject === undefined
          ? null
          : { raw: Buffer.from(`Subject: ${subject}\r\n\r\n`), from: 'c@example.test' };
      },
      markTaken: async (uid) => void this.journal.push(`flag ${uid}`),
    };
  }

  readonly positions: ChannelPositionPort = {
    position: async () => this.position,
    resetPosition: async (_id, uidValidity) => {
      this.journal.push(`reset ${uidValidity}`);
      this.position = { uidValidity, lastUid: 0n };
    },
    advance: async (_id, uid, error) => {
      this.journal.push(`last_uid ${uid}`);
      if (error) this.errors.push(error);
      this.position = { ...this.position!, lastUid: uid };
    },
    recordError: async (_id, error) => void this.errors.push(error),
  };

  readonly delivery: DeliveryPort = {
    deliver: async (raw, from, to) => {
      const subject = /Subject: (.*)\r\n/.exec(raw.toString())![1];
      this.journal.push(`deliver ${subject} to ${to} from ${from}`);
      return this.answers[subject] ?? { outcome: 'delivered' };
    },
  };

  run(stopped = () => false) {
    return deliverNewMessages({
      channelId: 'c1',
      to: 'acme@inbound.test',
      mailbox: this.mailbox,
      positions: this.positions,
      delivery: this.delivery,
      stopped,
    });
  }
}

const messages = (...subjects: string[]) => new Map(subjects.map((s, i) => [BigInt(i + 1), s]));

describe(deliverNewMessages.name, () => {
  it('delivers in UID order, each before its last_uid, and flags it only after', async () => {
    const world = new FakeWorld(messages('one', 'two'));
    expect(await world.run()).toEqual({ outcome: 'done' });
    expect(world.journal).toEqual([
      'deliver one to acme@inbound.test from c@example.test',
      'last_uid 1',
      'flag 1',
      'deliver two to acme@inbound.test from c@example.test',
      'last_uid 2',
      'flag 2',
    ]);
  });

  it('resumes after last_uid, and delivers nothing when nothing is new (the server still names its highest UID)', async () => {
    const world = new FakeWorld(messages('one', 'two', 'three'));
    world.position = { uidValidity: 7n, lastUid: 2n };
    await world.run();
    expect(world.journal).toEqual(['deliver three to acme@inbound.test from c@example.test', 'last_uid 3', 'flag 3']);
    world.journal.length = 0;
    await world.run();
    expect(world.journal).toEqual([]);
  });

  it('stops at a deferred message (4xx): last_uid stays before it, nothing after it is tried, and the reason is kept', async () => {
    const world = new FakeWorld(messages('one', 'busy', 'three'), {
      busy: { outcome: 'retry', reason: 'app-api deferred the message (SMTP 451)' },
    });
    expect(await world.run()).toEqual({
      outcome: 'deferred',
      uid: 2n,
      reason: 'app-api deferred the message (SMTP 451)',
    });
    expect(world.journal.slice(3)).toEqual(['deliver busy to acme@inbound.test from c@example.test']);
    expect(world.position?.lastUid).toBe(1n);
    expect(world.errors).toEqual(['UID 2: app-api deferred the message (SMTP 451); trying again later']);
  });

  it('skips a message refused for good (5xx): last_uid past it with the reason, left unflagged, and goes on', async () => {
    const world = new FakeWorld(messages('huge', 'two'), {
      huge: { outcome: 'skip', reason: 'app-api refused the message for good (SMTP 552)' },
    });
    expect(await world.run()).toEqual({ outcome: 'done' });
    expect(world.journal).toEqual([
      'deliver huge to acme@inbound.test from c@example.test',
      'last_uid 1',
      'deliver two to acme@inbound.test from c@example.test',
      'last_uid 2',
      'flag 2',
    ]);
    expect(world.errors).toEqual([
      'UID 1: app-api refused the message for good (SMTP 552); left in the mailbox, unflagged',
    ]);
  });

  it('starts from 0 again when UIDVALIDITY changed', async () => {
    const world = new FakeWorld(messages('one'), {}, 9n);
    world.position = { uidValidity: 7n, lastUid: 5n };
    await world.run();
    expect(world.journal).toEqual([
      'reset 9',
      'deliver one to acme@inbound.test from c@example.test',
      'last_uid 1',
      'flag 1',
    ]);
  });

  it('passes a message expunged meanwhile, stops when told to, and does nothing for a deleted channel', async () => {
    const world = new FakeWorld(messages('one', 'two'));
    world.mailbox.read = async (uid) => (uid === 1n ? null : { raw: Buffer.from('Subject: two\r\n\r\n'), from: '' });
    await world.run();
    expect(world.journal).toEqual(['last_uid 1', 'deliver two to acme@inbound.test from ', 'last_uid 2', 'flag 2']);

    const stopping = new FakeWorld(messages('one', 'two'));
    let calls = 0;
    await stopping.run(() => calls++ > 0);
    expect(stopping.journal).toEqual(['deliver one to acme@inbound.test from c@example.test', 'last_uid 1', 'flag 1']);

    const gone = new FakeWorld(messages('one'));
    gone.position = null;
    expect(await gone.run()).toEqual({ outcome: 'gone' });
    expect(gone.journal).toEqual([]);
  });
});
