export { CACHE_NAMESPACES, type CacheNamespaceName, membershipKey } from './cache-namespaces';
export { CacheModule } from './cache.module';
export { CACHE_REDIS_TIMEOUT_MS, type CacheNamespace, type CacheNamespaceOptions, SharedCache } from './shared-cache';
export { TtlCache } from './ttl-cache';
