import { Injectable } from '@nestjs/common';
import { type AuthContext, AuthErrorCode, AuthException } from '@helpdeskly/auth';
import { UsersRepository } from '../users/users.repository';

/**
 * The second check behind @PlatformAdmin(): the token says so, and the database must still say
 * so, since the flag may have been withdrawn after the token was signed.
 */
@Injectable()
export class PlatformAdminCheck {
  constructor(private readonly users: UsersRepository) {}

  async assert(auth: AuthContext): Promise<void> {
    const user = await this.users.findById(auth.userId);
    if (!auth.isPlatformAdmin || !user?.isPlatformAdmin) throw new AuthException(AuthErrorCode.InsufficientRole, 'This needs a platform administrator.');
  }
}
