import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type {
  AdminAuditLogExportQueryDto,
  AdminAuditLogQueryDto,
  AuditChainQueryDto,
  AuditChainReportDto,
  AuditLogPageDto,
} from '../audit/dto/audit-log-query.dto';

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
