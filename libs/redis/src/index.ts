export {
  CACHE_REDIS,
  type CacheRedis,
  CacheRedisClient,
  CacheRedisCluster,
  createCacheRedis,
  RedisClient,
} from './redis.client';
export { RedisModule } from './redis.module';
