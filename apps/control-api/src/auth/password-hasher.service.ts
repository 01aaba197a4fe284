import { Injectable } from '@nestjs/common';
import * as bcrypt from 'bcrypt';
import { AppConfig } from '@helpdeskly/config';
import { ConcurrencyLimit } from '@helpdeskly/async';

/**
 * bcrypt with BCRYPT_ROUNDS, through the async API so hashing runs on libuv's thread pool.
 *
 * At most `auth.bcryptConcurrency` hashes run at once (by default as many as the CPUs): libuv runs
 * four threads, and four CPU-bound hashes on two cores leave the event loop a fraction of a core,
 * so every other request of the process (health checks, refreshes) waits behind a login storm.
 * Logins past the limit wait their turn; bcrypt throughput is bound by the cores anyway. Measured
 * (bench (g), 2 CPUs): 4 at once 5.9 logins/s and /health p99 29 ms; 1 at once 3.1 logins/s and
 * 26 ms; 2 at once 6.3 logins/s and 20 ms.
 */
@Injectable()
export class PasswordHasher {
  private dummy?: Promise<string>;
  private readonly limit: ConcurrencyLimit;

  constructor(private readonly config: AppConfig) {
    this.limit = new ConcurrencyLimit(config.auth.bcryptConcurrency);
  }

  hash(password: string): Promise<string> {
    return this.limit.run(() => bcrypt.hash(password, this.config.auth.bcryptRounds));
  }

  verify(password: string, hash: string): Promise<boolean> {
    return this.limit.run(() => bcrypt.compare(password, hash));
  }

  /**
   * Spends the same bcrypt work as {@link verify} against a real hash, for a login whose email is
   * unknown: the answer time must not tell whether an account exists.
   */
  async verifyAgainstDummy(password: string): Promise<false> {
    this.dummy ??= this.hash('helpdeskly-dummy-password-never-matches');
    await this.verify(password, await this.dummy);
    return false;
  }
}
