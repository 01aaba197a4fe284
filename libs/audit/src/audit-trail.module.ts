import { Global, Module } from '@nestjs/common';
import { AuditPartitionsRepository } from './audit-partitions.repository';
import { AuditPartitionsService } from './audit-partitions.service';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';

/**
 * The audit trail (the hash-chained log and its monthly partitions), global so any feature can
 * record to it; control-api's AuditModule adds the routes that read it, the worker has none.
 */
@Global()
@Module({
  providers: [AuditRepository, AuditService, AuditPartitionsRepository, AuditPartitionsService],
  exports: [AuditService, AuditPartitionsService],
})
export class AuditTrailModule {}
