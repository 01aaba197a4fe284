import { Injectable } from '@nestjs/common';
import type { AuthContext } from '@helpdeskly/auth';
import type { Tenant } from '@helpdeskly/database';
import { TenantLimits } from '@helpdeskly/rate-limit';
import { AuditService } from '@helpdeskly/audit';
import { TenantsErrorCode, TenantsException, TenantsService } from '@helpdeskly/tenants';
import type { ClientInfo } from '../common/client-info';
import { AdminTenantsRepository } from './admin-tenants.repository';
import {
  type AdminTenantDto,
  type AdminTenantPageDto,
  type AdminTenantQueryDto,
  toAdminTenantDto,
} from './dto/admin-tenant.dto';
import type { UpdateTenantLimitsDto } from './dto/tenant-limits.dto';

/** Every tenant, for platform admins: list, read, suspend, resume, delete (TenantsService does the work and the audit). */
@Injectable()
export class AdminTenantsService {
  constructor(
    private readonly tenants: AdminTenantsRepository,
    private readonly lifecycle: TenantsService,
    private readonly limits: TenantLimits,
    private readonly audit: AuditService,
  ) {}

  async list(query: AdminTenantQueryDto): Promise<AdminTenantPageDto> {
    const page = await this.tenants.list({
      status: query.status,
      slugContains: query.slug,
      cursor: query.cursor,
      limit: query.limit,
    });
    return { items: page.items.map(toAdminTenantDto), nextCursor: page.nextCursor };
  }

  get(id: string): Promise<AdminTenantDto> {
    return this.read(id);
  }

  suspend(auth: AuthContext, id: string): Promise<AdminTenantDto> {
    return this.change(id, () => this.lifecycle.suspend(id, auth.userId));
  }

  resume(auth: AuthContext, id: string): Promise<AdminTenantDto> {
    return this.change(id, () => this.lifecycle.resume(id, auth.userId));
  }

  /** Drops the tenant's database and role; an interrupted deletion completes when asked again. */
  delete(auth: AuthContext, id: string): Promise<AdminTenantDto> {
    return this.change(id, () => this.lifecycle.deleteTenant(id, auth.userId));
  }

  /** Sets the plan and/or the rate-limit overrides, audited with both values; every instance applies them at once. */
  async updateLimits(
    auth: AuthContext,
    id: string,
    dto: UpdateTenantLimitsDto,
    client: ClientInfo,
  ): Promise<AdminTenantDto> {
    const before = await this.tenants.findById(id);
    if (!before) throw new TenantsException(TenantsErrorCode.NotFound, `No tenant ${id}.`);
    const after = await this.tenants.updateLimits(id, {
      plan: dto.plan === null ? 'free' : dto.plan,
      rateLimits:
        dto.rateLimits === null
          ? {}
          : dto.rateLimits && Object.fromEntries(Object.entries(dto.rateLimits).filter(([, v]) => v !== undefined)),
    });
    await this.audit.record({
      action: 'tenant.limits.updated',
      tenantId: id,
      actorUserId: auth.userId,
      targetType: 'tenant',
      targetId: id,
      ...client,
      metadata: {
        before: { plan: before.plan, rateLimits: before.rateLimits },
        after: { plan: after.plan, rateLimits: after.rateLimits },
      },
    });
    await this.limits.invalidate(id);
    return toAdminTenantDto(after);
  }

  private async change(id: string, run: () => Promise<Tenant>): Promise<AdminTenantDto> {
    await run();
    // Read back through the admin projection, which never holds the sealed password.
    return this.read(id);
  }

  private async read(id: string): Promise<AdminTenantDto> {
    const tenant = await this.tenants.findById(id);
    if (!tenant) throw new TenantsException(TenantsErrorCode.NotFound, `No tenant ${id}.`);
    return toAdminTenantDto(tenant);
  }
}
