import { describe, it } from 'node:test';
import { expect } from 'expect';
import type { AuthContext } from '@helpdeskly/auth';
import type { User } from '@helpdeskly/database';
import type { UsersRepository } from '../users/users.repository';
import { PlatformAdminCheck } from './platform-admin.check';

const auth = (isPlatformAdmin: boolean): AuthContext => ({
  userId: 'u-1',
  tenantId: 't-1',
  role: 'AGENT',
  isPlatformAdmin,
  tokenId: 'tok-1',
  sessionId: 's-1',
  issuedAt: 0,
});

function checkWith(user: Partial<User> | null): PlatformAdminCheck {
  const users = {
    findById: async () => (user ? ({ id: 'u-1', ...user } as User) : null),
  } as unknown as UsersRepository;
  return new PlatformAdminCheck(users);
}

describe(PlatformAdminCheck.name, () => {
  it('lets through an admin in the token and in the database, with TOTP enabled', async () => {
    await expect(
      checkWith({ isPlatformAdmin: true, totpEnabledAt: new Date() }).assert(auth(true)),
    ).resolves.toBeUndefined();
  });

  it('refuses when the token or the database does not say admin, whatever the 2FA', async () => {
    for (const [token, user] of [
      [false, { isPlatformAdmin: true, totpEnabledAt: new Date() }],
      [true, { isPlatformAdmin: false, totpEnabledAt: new Date() }],
      [true, null],
    ] as const) {
      await expect(checkWith(user).assert(auth(token))).rejects.toMatchObject({
        problem: expect.objectContaining({ code: 'insufficient_role' }),
      });
    }
  });

  it('refuses an admin without TOTP, pointing to the enrolment routes (a pending secret is not enough)', async () => {
    for (const user of [
      { isPlatformAdmin: true, totpEnabledAt: null, totpSecretEnc: null },
      { isPlatformAdmin: true, totpEnabledAt: null, totpSecretEnc: 'v1:pending' },
    ]) {
      const refusal = checkWith(user).assert(auth(true));
      await expect(refusal).rejects.toMatchObject({
        problem: expect.objectContaining({ code: 'admin_two_factor_required', status: 403 }),
      });
      await expect(refusal).rejects.toMatchObject({ message: expect.stringContaining('/v1/auth/2fa/setup') });
    }
  });
});
