import { Injectable } from '@nestjs/common';
import { type AuthContext, AuthErrorCode, AuthException } from '@helpdeskly/auth';
import { UsersRepository } from '../users/users.repository';
import { AdminErrorCode, AdminException } from './admin.errors';

/**
 * The second check behind @PlatformAdmin() (run by PlatformAdminGuard): the token says so, and the
 * database must still say so, since the flag may have been withdrawn after the token was signed.
 * The account must also have TOTP enabled: a stolen password alone never reaches every tenant.
 */
@Injectable()
export class PlatformAdminCheck {
  constructor(private readonly users: UsersRepository) {}

  async assert(auth: AuthContext): Promise<void> {
    const user = await this.users.findById(auth.userId);
    if (!auth.isPlatformAdmin || !user?.isPlatformAdmin)
      throw new AuthException(AuthErrorCode.InsufficientRole, 'This needs a platform administrator.');
    if (!user.totpEnabledAt) {
      throw new AdminException(
        AdminErrorCode.TwoFactorRequired,
        'Platform administrators must enable two-factor authentication: POST /v1/auth/2fa/setup with this token, add the secret to an authenticator app, then POST /v1/auth/2fa/enable with a code. This token works once that is done.',
      );
    }
  }
}
