import { Injectable } from '@nestjs/common';
import {
  AuditService,
  type AdminAuditLogExportQueryDto,
  type AdminAuditLogQueryDto,
  type AuditChainQueryDto,
  type AuditChainReportDto,
  type AuditLogPageDto,
} from '@helpdeskly/audit';

/** The whole audit trail (every tenant, and events of no tenant), for platform admins. */
@Injectable()
export class AdminAuditService {
  constructor(private readonly audit: AuditService) {}

  find(query: AdminAuditLogQueryDto): Promise<AuditLogPageDto> {
    return this.audit.find(query);
  }

  verifyChain(query: AuditChainQueryDto): Promise<AuditChainReportDto> {
    return this.audit.verifyChain(query.tenantId ?? null);
  }

  exportLines(query: AdminAuditLogExportQueryDto): AsyncGenerator<string> {
    return this.audit.exportLines(query);
  }
}
