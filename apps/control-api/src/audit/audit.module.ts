import { Global, Module } from '@nestjs/common';
import { AuditPartitionsRepository } from './audit-partitions.repository';
import { AuditPartitionsService } from './audit-partitions.service';
import { AuditController } from './audit.controller';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';

@Global()
@Module({
  controllers: [AuditController],
  providers: [AuditRepository, AuditService, AuditPartitionsRepository, AuditPartitionsService],
  exports: [AuditService, AuditPartitionsService],
})
export class AuditModule {}
