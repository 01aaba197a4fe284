import { Injectable } from '@nestjs/common';
import * as bcrypt from 'bcrypt';
import { AppConfig } from '@helpdeskly/config';

/** bcrypt with BCRYPT_ROUNDS, through the async API so hashing runs on libuv's thread pool. */
@Injectable()
export class PasswordHasher {
  private dummy?: Promise<string>;

  constructor(private readonly config: AppConfig) {}

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.config.auth.bcryptRounds);
  }

  async verify(password: string, hash: string): Promise<boolean> {
    return bcrypt.compare(password, hash);
  }

  /**
   * Spends the same bcrypt work as {@link verify} against a real hash, for a login whose email is
   * unknown: the answer time must not tell whether an account exists.
   */
  async verifyAgainstDummy(password: string): Promise<false> {
    this.dummy ??= bcrypt.hash('helpdeskly-dummy-password-never-matches', this.config.auth.bcryptRounds);
    await bcrypt.compare(password, await this.dummy);
    return false;
  }
}
