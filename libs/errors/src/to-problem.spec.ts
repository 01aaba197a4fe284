import { describe, it } from 'node:test';
import { expect } from 'expect';
import { BadRequestException } from '@nestjs/common';
import { databaseInputError, toProblem } from './to-problem';

describe(toProblem.name, () => {
  it('answers a saturated database pool with 503 and Retry-After, not 500', () => {
    for (const error of [
      new Error('timeout exceeded when trying to connect'),
      Object.assign(new Error('Timed out fetching a new connection'), { code: 'P2024' }),
    ]) {
      const mapped = toProblem(error, 'req-1');
      expect(mapped.body).toMatchObject({ status: 503, code: 'database_busy', requestId: 'req-1' });
      expect(mapped.headers).toEqual({ 'retry-after': '1' });
      expect(mapped.serverError).toBe(false);
    }
  });

  it('answers the tenant backend budget all busy, or the database refusing or gone, with 503 and no driver message', () => {
    const pgError = (code: string, message: string) => Object.assign(new Error(message), { code, severity: 'ERROR' });
    const socketError = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6432'), {
      code: 'ECONNREFUSED',
      syscall: 'connect',
    });
    // Prisma's wrapping: a known request error whose driver adapter error names the kind.
    const prismaWrapped = Object.assign(new Error('Too many database connections opened'), {
      code: 'P2037',
      meta: { driverAdapterError: { cause: { kind: 'TooManyConnections', cause: 'sorry, too many clients already' } } },
    });
    const cases: Array<[unknown, string]> = [
      [pgError('08P01', 'query_wait_timeout'), 'database_busy'],
      [pgError('08P01', 'no more connections allowed (max_client_conn)'), 'database_busy'],
      [pgError('08P01', 'server login has been failing, try again later (server_login_retry)'), 'service_unavailable'],
      [pgError('08P01', 'pgbouncer cannot connect to server'), 'service_unavailable'],
      [pgError('53300', 'too many connections for role "helpdeskly_gateway"'), 'database_busy'],
      [prismaWrapped, 'database_busy'],
      [pgError('57P01', 'terminating connection due to administrator command'), 'service_unavailable'],
      [new Error('wrapped', { cause: socketError }), 'service_unavailable'],
      // node-postgres when the server went away under a query, and for the client it left broken.
      [new Error('Connection terminated unexpectedly'), 'service_unavailable'],
      [new Error('Client has encountered a connection error and is not queryable'), 'service_unavailable'],
    ];
    for (const [error, code] of cases) {
      const mapped = toProblem(error, 'req-9');
      expect(mapped.body).toMatchObject({ status: 503, code });
      expect(mapped.headers['retry-after']).toMatch(/^\d+$/);
      expect(JSON.stringify(mapped.body)).not.toMatch(/ECONNREFUSED|query_wait_timeout|helpdeskly_gateway/);
      expect(mapped.serverError).toBe(false);
    }
  });

  it('keeps any other unexpected error a 500 that says nothing of it', () => {
    const mapped = toProblem(new Error('connect ECONNREFUSED 10.0.0.5:5432 for user admin'), 'req-2');
    expect(mapped.body).toMatchObject({ status: 500, code: 'internal_error' });
    expect(JSON.stringify(mapped.body)).not.toContain('ECONNREFUSED');
    expect(mapped.serverError).toBe(true);
  });

  it('keeps client errors as they are', () => {
    expect(toProblem(new BadRequestException('Validation failed (uuid is expected)'), 'req-3').body).toMatchObject({
      status: 400,
      code: 'bad_request',
      detail: 'Validation failed (uuid is expected)',
    });
  });

  it('answers input the database refused with 400, never 500 nor the driver message', () => {
    const pgError = (code: string, message: string) => Object.assign(new Error(message), { code, severity: 'ERROR' });
    // Prisma's wrapping of a driver adapter error (adapter-pg keeps the SQLSTATE as originalCode).
    const prismaWrapped = (code: string) =>
      Object.assign(new Error('Invalid `prisma.ticket.create()` invocation'), {
        code: 'P2010',
        meta: {
          driverAdapterError: {
            cause: {
              kind: 'postgres',
              originalCode: code,
              originalMessage: 'invalid byte sequence for encoding "UTF8": 0x00',
            },
          },
        },
      });
    const cases: Array<[unknown, string]> = [
      [pgError('22021', 'invalid byte sequence for encoding "UTF8": 0x00'), 'invalid_text'],
      [pgError('22P05', 'unsupported Unicode escape sequence'), 'invalid_text'],
      [prismaWrapped('22021'), 'invalid_text'],
      [new Error('query failed', { cause: pgError('22P05', 'unsupported Unicode escape sequence') }), 'invalid_text'],
      [pgError('54000', 'string is too long for tsvector (1048576 bytes, max 1048575 bytes)'), 'invalid_input'],
      [pgError('22P02', 'invalid input syntax for type uuid: "x"'), 'invalid_input'],
      [prismaWrapped('2201W'), 'invalid_input'],
    ];
    for (const [error, code] of cases) {
      const mapped = toProblem(error, 'req-5');
      expect(mapped.body).toMatchObject({ status: 400, code, requestId: 'req-5' });
      expect(JSON.stringify(mapped.body)).not.toMatch(/UTF8|tsvector|uuid|Unicode escape|prisma/);
      expect(mapped.serverError).toBe(false);
      expect(mapped.warning).toBe(true);
    }
  });

  it('leaves other database errors alone, and ignores a code merely mentioned in a message', () => {
    expect(
      databaseInputError(Object.assign(new Error('deadlock detected'), { code: '40P01', severity: 'ERROR' })),
    ).toBeUndefined();
    expect(databaseInputError(new Error('SQLSTATE 22021'))).toBeUndefined();
    expect(databaseInputError(Object.assign(new Error('not from the database'), { code: '22021' }))).toBeUndefined();
    expect(
      toProblem(Object.assign(new Error('division by zero'), { code: '22012', severity: 'ERROR' }), 'r').body.status,
    ).toBe(500);
  });
});
