import { Injectable } from '@nestjs/common';
import type { AuthContext } from '@helpdeskly/auth';
import { AuditService } from '../audit/audit.service';
import type { AdminAuditLogQueryDto, AuditLogPageDto } from '../audit/dto/audit-log-query.dto';
import { PlatformAdminCheck } from './platform-admin.check';

/** The whole audit trail (every tenant, and events of no tenant), for platform admins. */
@Injectable()
export class AdminAuditService {
  constructor(
    private readonly admins: PlatformAdminCheck,
    private readonly audit: AuditService,
  ) {}

  async find(auth: AuthContext, query: AdminAuditLogQueryDto): Promise<AuditLogPageDto> {
    await this.admins.assert(auth);
    return this.audit.find(query);
  }
}
