import { Injectable, Logger } from '@nestjs/common';
import { CACHE_NAMESPACES, type CacheNamespace, SharedCache } from '@helpdeskly/cache';
import { AppConfig } from '@helpdeskly/config';
import { effectiveLimits, type PlanLimits, type TenantLimitsSource } from './plans';
import { TenantLimitsRepository } from './tenant-limits.repository';

/**
 * The limits of each tenant, read through the shared cache (in process, Redis, then the control
 * database), so a change made by a platform admin reaches every instance at once.
 */
@Injectable()
export class TenantLimits {
  private readonly logger = new Logger(TenantLimits.name);
  private readonly cache: CacheNamespace<TenantLimitsSource>;

  constructor(
    cache: SharedCache,
    private readonly tenants: TenantLimitsRepository,
    private readonly config: AppConfig,
  ) {
    this.cache = cache.namespace<TenantLimitsSource>(CACHE_NAMESPACES.tenantLimits);
  }

  async of(tenantId: string): Promise<PlanLimits> {
    let source: TenantLimitsSource | null = null;
    try {
      source = await this.cache.getOrLoad(tenantId, () => this.tenants.find(tenantId));
    } catch (error) {
      // The control database is down and nothing is cached: the free plan's limits still hold.
      this.logger.warn({ err: error, tenantId }, 'Tenant limits could not be read; applying the free plan');
    }
    return effectiveLimits(source, this.config.rateLimit.planMultiplier);
  }

  /** After a change of the tenant's plan or overrides: every instance reads them again. */
  invalidate(tenantId: string): Promise<void> {
    return this.cache.invalidate(tenantId);
  }
}
