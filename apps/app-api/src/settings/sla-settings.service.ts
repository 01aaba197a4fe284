import { Injectable } from '@nestjs/common';
import { CACHE_NAMESPACES, type CacheNamespace, SharedCache } from '@helpdeskly/cache';
import { TicketPriority } from '@helpdeskly/database';
import type { TenantContext, TenantOnly } from '../tenancy/tenant-context';
import { SettingsErrorCode, SettingsException } from './settings.errors';
import { SettingsRepository } from './settings.repository';
import { type SlaTargets, slaFromStored } from './sla';

const SLA_KEY = 'sla';

/**
 * The tenant's SLA targets per priority; tickets read them to compute their due times. Every create
 * needs them, so they are read through the shared cache (in process, then Redis), and a change
 * invalidates them on every instance.
 */
@Injectable()
export class SlaSettingsService {
  private readonly cache: CacheNamespace<SlaTargets>;

  constructor(
    private readonly settings: SettingsRepository,
    cache: SharedCache,
  ) {
    this.cache = cache.namespace<SlaTargets>(CACHE_NAMESPACES.tenantSla);
  }

  async get(tenant: TenantOnly): Promise<SlaTargets> {
    const targets = await this.cache.getOrLoad(tenant.tenantId, async () =>
      slaFromStored(await this.settings.get(SLA_KEY)),
    );
    return targets ?? slaFromStored(undefined);
  }

  async put(tenant: TenantContext, sla: SlaTargets): Promise<SlaTargets> {
    const errors = Object.values(TicketPriority)
      .filter((p) => sla[p].firstResponseMinutes > sla[p].resolutionMinutes)
      .map((p) => ({
        field: `body.${p}.firstResponseMinutes`,
        code: 'notAfterResolution',
        message: `${p}: the first response cannot be due after the resolution`,
      }));
    if (errors.length > 0)
      throw new SettingsException(
        SettingsErrorCode.InvalidSla,
        'A first-response target is longer than its resolution target.',
        errors,
      );
    const value = Object.fromEntries(
      Object.values(TicketPriority).map((p) => [
        p,
        { firstResponseMinutes: sla[p].firstResponseMinutes, resolutionMinutes: sla[p].resolutionMinutes },
      ]),
    );
    await this.settings.put(SLA_KEY, value);
    await this.cache.invalidate(tenant.tenantId);
    return slaFromStored(value);
  }
}
