import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimiter } from './rate-limiter.service';
import { TenantLimitsRepository } from './tenant-limits.repository';
import { TenantLimits } from './tenant-limits.service';

/**
 * Rate limits in Redis (GCRA), with an in-process limiter while Redis is unreachable. Import after
 * AuthModule: global guards run in the order their modules are imported, and the limits key on
 * the caller that AccessTokenGuard verified. Exports TenantLimits (invalidate after a change).
 */
@Global()
@Module({
  providers: [
    RateLimiter,
    TenantLimitsRepository,
    TenantLimits,
    RateLimitGuard,
    { provide: APP_GUARD, useExisting: RateLimitGuard },
  ],
  exports: [TenantLimits, RateLimiter],
})
export class RateLimitModule {}
