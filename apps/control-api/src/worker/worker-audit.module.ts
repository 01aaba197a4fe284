import { Global, Module } from '@nestjs/common';
import { AuditPartitionsRepository } from '../audit/audit-partitions.repository';
import { AuditPartitionsService } from '../audit/audit-partitions.service';
import { AuditRepository } from '../audit/audit.repository';
import { AuditService } from '../audit/audit.service';

/** The audit trail for the worker's jobs, without AuditModule's controller: the worker serves no API route. */
@Global()
@Module({
  providers: [AuditRepository, AuditService, AuditPartitionsRepository, AuditPartitionsService],
  exports: [AuditService, AuditPartitionsService],
})
export class WorkerAuditModule {}
