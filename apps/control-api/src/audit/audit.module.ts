import { Module } from '@nestjs/common';
import { AuditTrailModule } from '@helpdeskly/audit';
import { AuditController } from './audit.controller';

/** The routes that read the audit trail; the trail itself is `@helpdeskly/audit`'s, shared with the worker. */
@Module({
  imports: [AuditTrailModule],
  controllers: [AuditController],
})
export class AuditModule {}
