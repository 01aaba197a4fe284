import { describe, it } from 'node:test';
import { expect } from 'expect';
import { migrationFolderName } from './migrations-folder';

describe(migrationFolderName.name, () => {
  const now = new Date('2026-03-04T05:06:07.890Z');

  it("is Prisma's `<UTC yyyymmddHHMMSS>_<name>`, the name reduced to a snake_case slug", () => {
    expect(migrationFolderName('init', now)).toBe('20260304050607_init');
    expect(migrationFolderName('  Add ticket SLA / due-dates!', now)).toBe('20260304050607_add_ticket_sla_due_dates');
  });

  it('refuses a name without letters or digits', () => {
    expect(() => migrationFolderName('--', now)).toThrow(/not usable/);
  });
});
