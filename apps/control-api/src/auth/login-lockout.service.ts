import { Injectable } from '@nestjs/common';
import { AppConfig } from '@helpdeskly/config';
import type { User } from '@helpdeskly/database';
import { MetricsRegistry } from '@helpdeskly/metrics';
import { AuditService } from '@helpdeskly/audit';
import type { ClientInfo } from '../common/client-info';
import { UsersRepository } from '../users/users.repository';

const MAX_LOCK_SECONDS = 3_600;

/**
 * Brute-force protection per account: after LOGIN_MAX_FAILURES consecutive failures (wrong
 * passwords or wrong second factors) the account locks for LOGIN_LOCKOUT_SECONDS, doubling with
 * each further failure after a lock, up to an hour. Attempts during a lock are refused without
 * counting, so a lock cannot be stretched forever by hammering it.
 */
@Injectable()
export class LoginLockoutService {
  constructor(
    private readonly users: UsersRepository,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly metrics: MetricsRegistry,
  ) {}

  isLocked(user: User, now = new Date()): boolean {
    return user.lockedUntil !== null && user.lockedUntil > now;
  }

  /** Counts a failure; locks the account when it reaches the threshold. */
  async recordFailure(user: User, client: ClientInfo): Promise<void> {
    const { loginMaxFailures, loginLockoutSeconds } = this.config.auth;
    const failures = await this.users.incrementFailedLogins(user.id);
    if (failures < loginMaxFailures) return;
    const lockSeconds = Math.min(loginLockoutSeconds * 2 ** (failures - loginMaxFailures), MAX_LOCK_SECONDS);
    await this.users.lockUntil(user.id, new Date(Date.now() + lockSeconds * 1000));
    this.metrics.accountLockouts.inc();
    await this.audit.record({
      action: 'auth.account.locked',
      actorUserId: user.id,
      targetType: 'user',
      targetId: user.id,
      success: false,
      ...client,
      metadata: { failures, lockSeconds },
    });
  }
}
