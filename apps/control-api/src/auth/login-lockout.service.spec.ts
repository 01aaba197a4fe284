import { describe, it } from 'node:test';
import { expect } from 'expect';
import type { AppConfig } from '@helpdeskly/config';
import type { User } from '@helpdeskly/database';
import { MetricsRegistry } from '@helpdeskly/metrics';
import type { AuditEntry, AuditService } from '@helpdeskly/audit';
import type { UsersRepository } from '../users/users.repository';
import { LoginLockoutService } from './login-lockout.service';

function setup(failuresBefore: number) {
  let failures = failuresBefore;
  const locks: Date[] = [];
  const audits: AuditEntry[] = [];
  const users = {
    incrementFailedLogins: async () => ++failures,
    lockUntil: async (_id: string, until: Date) => void locks.push(until),
  } as unknown as UsersRepository;
  const audit = { record: async (entry: AuditEntry) => void audits.push(entry) } as unknown as AuditService;
  const config = { auth: { loginMaxFailures: 3, loginLockoutSeconds: 60 } } as AppConfig;
  const metrics = new MetricsRegistry();
  const sut = new LoginLockoutService(users, config, audit, metrics);
  const lockSeconds = async () => {
    const started = Date.now();
    await sut.recordFailure({ id: 'u-1' } as User, { ip: '127.0.0.1' });
    return locks.length === 0 ? undefined : Math.round((locks[locks.length - 1].getTime() - started) / 1000);
  };
  const lockouts = async () => (await metrics.accountLockouts.get()).values[0]?.value ?? 0;
  return { sut, lockSeconds, audits, lockouts };
}

describe(LoginLockoutService.name, () => {
  it('does not lock before the threshold', async () => {
    const below = setup(1);
    expect(await setup(0).lockSeconds()).toBeUndefined();
    expect(await below.lockSeconds()).toBeUndefined();
    expect(await below.lockouts()).toBe(0);
  });

  it('locks at the threshold for the configured delay, audits and counts it', async () => {
    const { lockSeconds, audits, lockouts } = setup(2);
    expect(await lockSeconds()).toBe(60);
    expect(audits).toEqual([
      expect.objectContaining({
        action: 'auth.account.locked',
        actorUserId: 'u-1',
        success: false,
        metadata: { failures: 3, lockSeconds: 60 },
      }),
    ]);
    expect(await lockouts()).toBe(1);
  });

  it('doubles with each further failure, up to an hour', async () => {
    expect(await setup(3).lockSeconds()).toBe(120);
    expect(await setup(4).lockSeconds()).toBe(240);
    expect(await setup(8).lockSeconds()).toBe(3600);
    expect(await setup(5000).lockSeconds()).toBe(3600);
  });

  it('tells a locked account from an unlocked one', () => {
    const { sut } = setup(0);
    expect(sut.isLocked({ lockedUntil: new Date(Date.now() + 10_000) } as User)).toBe(true);
    expect(sut.isLocked({ lockedUntil: new Date(Date.now() - 10_000) } as User)).toBe(false);
    expect(sut.isLocked({ lockedUntil: null } as User)).toBe(false);
  });
});
