import { Injectable } from '@nestjs/common';
import type { RevokedSessionsSource } from '@helpdeskly/auth';
import { ControlDatabase, isUuid } from '@helpdeskly/database';

/**
 * Whether a session (refresh token family) was revoked, from the control database: what the
 * deny-list check of AccessTokenGuard asks while Redis does not answer. control-api revokes the
 * rows before it writes the deny-list, so this never says "alive" for a finished revocation.
 */
@Injectable()
export class RevokedSessionsRepository implements RevokedSessionsSource {
  constructor(private readonly control: ControlDatabase) {}

  async isSessionRevoked(sessionId: string): Promise<boolean> {
    if (!isUuid(sessionId)) return false;
    return (
      (await this.control.refreshToken.findFirst({
        where: { familyId: sessionId, revokedAt: { not: null } },
        select: { id: true },
      })) !== null
    );
  }
}
