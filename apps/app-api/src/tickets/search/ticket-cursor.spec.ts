import { describe, it } from 'node:test';
import { expect } from 'expect';
import { ValidationProblem } from '@helpdeskly/errors';
import { decodeTicketCursor, encodeTicketCursor, type TicketCursor } from './ticket-cursor';

const ID = '0b6f3c1e-5d0e-4a53-a1e1-9f8a4c1b2d3e';
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('ticket cursor', () => {
  it('round-trips every sort key', () => {
    const cursors: TicketCursor[] = [
      { key: 'created', direction: 'desc', value: '2026-11-25T14:00:00.123Z', id: ID },
      { key: 'updated', direction: 'asc', value: '2026-11-25T14:00:00.000Z', id: ID },
      { key: 'priority', direction: 'desc', value: 'URGENT', id: ID },
      { key: 'due', direction: 'asc', value: null, id: ID },
      { key: 'relevance', direction: 'desc', value: 0.0607927106320858, id: ID },
    ];
    for (const cursor of cursors) {
      const encoded = encodeTicketCursor(cursor);
      expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeTicketCursor(encoded, cursor.key, cursor.direction)).toEqual(cursor);
    }
  });

  it('refuses garbage, tampering and a cursor of another sort as a 400 on query.cursor', () => {
    const bad: Array<[string, Parameters<typeof decodeTicketCursor>[1], Parameters<typeof decodeTicketCursor>[2]]> = [
      ['not a cursor!', 'created', 'desc'],
      ['', 'created', 'desc'],
      [b64({ a: 1 }), 'created', 'desc'],
      [b64(['created', 'desc', '2026-11-25T14:00:00.000Z']), 'created', 'desc'],
      [b64(['created', 'desc', "2026-11-25'; DROP TABLE tickets; --", ID]), 'created', 'desc'],
      [b64(['created', 'desc', '2026-11-25T14:00:00.000Z', 'not-a-uuid']), 'created', 'desc'],
      [b64(['created', 'desc', '2026-11-25T14:00:00.000Z', ID]), 'updated', 'desc'],
      [b64(['created', 'desc', '2026-11-25T14:00:00.000Z', ID]), 'created', 'asc'],
      [b64(['priority', 'desc', 'CRITICAL', ID]), 'priority', 'desc'],
      [b64(['relevance', 'desc', 'high', ID]), 'relevance', 'desc'],
      [b64(['created', 'desc', null, ID]), 'created', 'desc'],
      ['A'.repeat(401), 'created', 'desc'],
    ];
    for (const [raw, key, direction] of bad) {
      let error: unknown;
      try {
        decodeTicketCursor(raw, key, direction);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ValidationProblem);
      expect((error as ValidationProblem).problem).toMatchObject({
        status: 400,
        code: 'validation_failed',
        errors: [expect.objectContaining({ field: 'query.cursor' })],
      });
    }
  });
});
