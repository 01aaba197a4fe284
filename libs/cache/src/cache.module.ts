import { Global, Module } from '@nestjs/common';
import { SharedCache } from './shared-cache';

/** The shared two-level cache (in process, then Redis) with invalidation across instances. */
@Global()
@Module({ providers: [SharedCache], exports: [SharedCache] })
export class CacheModule {}
