import { Global, Module } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository';
import { AuditService } from '../audit/audit.service';

/** The audit trail for the worker's jobs, without AuditModule's controller: the worker serves no API route. */
@Global()
@Module({ providers: [AuditRepository, AuditService], exports: [AuditService] })
export class WorkerAuditModule {}
