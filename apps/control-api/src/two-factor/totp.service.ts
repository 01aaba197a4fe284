import { Injectable } from '@nestjs/common';
import { generateSecret, generateURI, verify } from 'otplib';
import * as QRCode from 'qrcode';
import { RedisClient } from '@helpdeskly/redis';

const ISSUER = 'Helpdeskly';
/** One period either side absorbs clock drift between the phone and the server. */
const EPOCH_TOLERANCE_SECONDS = 30;
/** Longer than the window in which a code verifies, so a used code stays refused while it could. */
const USED_CODE_TTL_SECONDS = 120;

/** TOTP (RFC 6238: SHA-1, 6 digits, 30 s) with otplib, and replay protection in Redis. */
@Injectable()
export class TotpService {
  constructor(private readonly redis: RedisClient) {}

  generateSecret(): string {
    return generateSecret();
  }

  otpauthUrl(accountName: string, secret: string): string {
    return generateURI({ issuer: ISSUER, label: accountName, secret });
  }

  qrCodeDataUrl(otpauthUrl: string): Promise<string> {
    return QRCode.toDataURL(otpauthUrl);
  }

  /**
   * True when `code` is valid for `secret` now and was not accepted before for this user: a code
   * seen by a shoulder-surfer or a proxy cannot be replayed (RFC 6238, section 5.2).
   */
  async verify(userId: string, secret: string, code: string): Promise<boolean> {
    const result = await verify({ secret, token: code, epochTolerance: EPOCH_TOLERANCE_SECONDS });
    if (!result.valid || !('timeStep' in result)) return false;
    const first = await this.redis.set(
      `auth:totp-used:${userId}:${result.timeStep}`,
      '1',
      'EX',
      USED_CODE_TTL_SECONDS,
      'NX',
    );
    return first === 'OK';
  }
}
