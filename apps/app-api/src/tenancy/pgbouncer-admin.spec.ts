import { describe, it } from 'node:test';
import { expect } from 'expect';
import type { Client } from 'pg';
import type { AppConfig } from '@helpdeskly/config';
import { PgBouncerAdmin, quoteIdentifier } from './pgbouncer-admin';

const config = (adminUrl?: string) => ({ database: { pgbouncer: { host: '127.0.0.1', port: 6432, adminUrl } } }) as unknown as AppConfig;

/** A console connection that records queries; `fail` makes the next query throw. */
function fakeConsole() {
  const queries: string[] = [];
  const state = { opened: 0, ended: 0, fail: false, inFlight: 0, maxInFlight: 0 };
  const connect = async () => {
    state.opened++;
    return {
      on: () => undefined,
      query: async (sql: string) => {
        state.inFlight++;
        state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
        await new Promise((r) => setTimeout(r, 5));
        state.inFlight--;
        if (state.fail) {
          state.fail = false;
          throw new Error('server closed the connection unexpectedly');
        }
        queries.push(sql);
      },
      end: async () => void state.ended++,
    } as unknown as Client;
  };
  return { queries, state, connect };
}

describe('PgBouncerAdmin', () => {
  it('quotes database names as identifiers', () => {
    expect(quoteIdentifier('tenant_0a1b')).toBe('"tenant_0a1b"');
    expect(quoteIdentifier('we"ird; SHUTDOWN')).toBe('"we""ird; SHUTDOWN"');
    expect(() => quoteIdentifier('a\0b')).toThrow();
  });

  it('is a no-op without PGBOUNCER_ADMIN_URL', async () => {
    const admin = new PgBouncerAdmin(config(undefined));
    const fake = fakeConsole();
    admin.connect = fake.connect;
    await admin.reconnect('tenant_x');
    expect(fake.state.opened).toBe(0);
    expect(admin.stats()).toEqual({ enabled: false, reconnects: 0, reconnectFailures: 0 });
    await admin.onApplicationShutdown();
  });

  it('sends RECONNECT with the quoted name over one lazily opened connection, one command at a time', async () => {
    const admin = new PgBouncerAdmin(config('postgresql://helpdeskly_admin:x@127.0.0.1:6432/pgbouncer'));
    const fake = fakeConsole();
    admin.connect = fake.connect;
    expect(fake.state.opened).toBe(0);
    await Promise.all([admin.reconnect('tenant_a'), admin.reconnect('tenant_b'), admin.reconnect('Te"n')]);
    expect(fake.queries).toEqual(['RECONNECT "tenant_a"', 'RECONNECT "tenant_b"', 'RECONNECT "Te""n"']);
    expect(fake.state.opened).toBe(1);
    expect(fake.state.maxInFlight).toBe(1);
    expect(admin.stats()).toEqual({ enabled: true, reconnects: 3, reconnectFailures: 0 });
    await admin.onApplicationShutdown();
    expect(fake.state.ended).toBe(1);
    await admin.reconnect('tenant_c'); // after shutdown: nothing
    expect(fake.queries).toHaveLength(3);
  });

  it('never throws: counts a failure and reopens the connection for the next command', async () => {
    const admin = new PgBouncerAdmin(config('postgresql://helpdeskly_admin:x@127.0.0.1:6432/pgbouncer'));
    const fake = fakeConsole();
    admin.connect = fake.connect;
    fake.state.fail = true;
    await expect(admin.reconnect('tenant_a')).resolves.toBeUndefined();
    await admin.reconnect('tenant_b');
    expect(fake.queries).toEqual(['RECONNECT "tenant_b"']);
    expect(fake.state.opened).toBe(2);
    expect(admin.stats()).toMatchObject({ reconnects: 1, reconnectFailures: 1 });

    let attempts = 0;
    admin.connect = async () => {
      attempts++;
      throw new Error('connection refused');
    };
    await admin.onApplicationShutdown();
    const other = new PgBouncerAdmin(config('postgresql://helpdeskly_admin:x@127.0.0.1:1/pgbouncer'));
    other.connect = admin.connect;
    await expect(other.reconnect('tenant_c')).resolves.toBeUndefined();
    expect(attempts).toBe(1);
    expect(other.stats()).toMatchObject({ reconnects: 0, reconnectFailures: 1 });
  });
});
