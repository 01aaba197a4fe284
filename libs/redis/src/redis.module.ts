import { Global, Module } from '@nestjs/common';
import { CACHE_REDIS, CACHE_REDIS_PROVIDER, RedisClient } from './redis.client';

@Global()
@Module({ providers: [RedisClient, CACHE_REDIS_PROVIDER], exports: [RedisClient, CACHE_REDIS] })
export class RedisModule {}
