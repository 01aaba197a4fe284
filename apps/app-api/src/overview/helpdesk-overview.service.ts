import { Injectable } from '@nestjs/common';
import type { TenantContext } from '../tenancy/tenant-context';
import type { HelpdeskDto } from './dto/helpdesk.dto';
import { HelpdeskOverviewRepository } from './helpdesk-overview.repository';

@Injectable()
export class HelpdeskOverviewService {
  constructor(private readonly repository: HelpdeskOverviewRepository) {}

  /** What a client needs at start-up: which helpdesk, who am I, its settings, how many tickets. */
  async overview(tenant: TenantContext): Promise<HelpdeskDto> {
    const [settings, ticketCount] = await Promise.all([this.repository.settings(), this.repository.countTickets()]);
    return {
      tenant: { id: tenant.tenantId, slug: tenant.slug, settings: tenant.settings },
      me: { userId: tenant.userId, role: tenant.role },
      settings: Object.fromEntries(settings.map((s) => [s.key, s.value])),
      ticketCount,
    };
  }
}
