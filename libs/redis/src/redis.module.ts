import { Global, Module } from '@nestjs/common';
import { CacheRedisClient, RedisClient } from './redis.client';

@Global()
@Module({ providers: [RedisClient, CacheRedisClient], exports: [RedisClient, CacheRedisClient] })
export class RedisModule {}
