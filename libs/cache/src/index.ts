export { CACHE_NAMESPACES, type CacheNamespaceName, membershipKey } from './cache-namespaces';
export { CacheModule } from './cache.module';
