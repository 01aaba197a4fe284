import { describe, it } from 'node:test';
import { expect } from 'expect';
import { databaseNameOf, withDatabase } from './database-url';

describe(withDatabase.name, () => {
  it('replaces only the database, keeping credentials, host, port and parameters', () => {
    expect(withDatabase('postgresql://admin:p%40ss@db.internal:5433/postgres?sslmode=require', 'tenant_acme')).toBe(
      'postgresql://admin:p%40ss@db.internal:5433/tenant_acme?sslmode=require',
    );
  });

  it('adds the database to a URL without one and encodes unusual names', () => {
    expect(withDatabase('postgres://db', 'a b')).toBe('postgres://db/a%20b');
  });

  it('refuses an empty database name', () => {
    expect(() => withDatabase('postgres://db/x', '')).toThrow(/empty/);
  });
});

describe(databaseNameOf.name, () => {
  it('names the database without the rest of the URL', () => {
    expect(databaseNameOf('postgresql://u:secret@h/tenant_acme?x=1')).toBe('tenant_acme');
    expect(databaseNameOf('not a url')).toBe('(invalid database URL)');
  });
});
