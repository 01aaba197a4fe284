import { describe, it } from 'node:test';
import { expect } from 'expect';
import { ReadinessTimeout, readinessReason } from './readiness-reason';

const withCode = (code: string, message = 'secret host db.internal user helpdeskly') =>
  Object.assign(new Error(message), { code });

describe('readinessReason', () => {
  it('names the class of failure from codes, also wrapped as a cause', () => {
    expect(readinessReason(new ReadinessTimeout(2000))).toBe('timeout');
    expect(readinessReason(withCode('ECONNREFUSED'))).toBe('unreachable');
    expect(readinessReason(new Error('Invalid prisma invocation', { cause: withCode('ECONNREFUSED') }))).toBe(
      'unreachable',
    );
    expect(readinessReason(withCode('P1001'))).toBe('unreachable');
    expect(readinessReason(withCode('28P01'))).toBe('auth_failed');
    expect(readinessReason(new Error('WRONGPASS invalid username-password pair'))).toBe('auth_failed');
    expect(readinessReason(withCode('53300'))).toBe('too_many_connections');
    // PgBouncer's refusal as node-postgres hands it over, and the server gone under a query.
    expect(
      readinessReason(
        Object.assign(new Error('no more connections allowed (max_client_conn)'), { code: '08P01', severity: 'FATAL' }),
      ),
    ).toBe('too_many_connections');
    expect(readinessReason(new Error('Connection terminated unexpectedly'))).toBe('unreachable');
    expect(readinessReason(withCode('57P01'))).toBe('shutting_down');
    expect(readinessReason(new Error('Connection is closed.'))).toBe('unreachable');
  });

  it('falls back to a bare "error", never to the message', () => {
    expect(readinessReason(withCode('XX000', 'password=hunter2'))).toBe('error');
    expect(readinessReason(undefined)).toBe('error');
  });
});
