import { Injectable, Logger } from '@nestjs/common';
import { redactSecrets } from '@helpdeskly/logging';
import { type AuditEntry, type AuditQuery, AuditRepository } from './audit.repository';

/** The audit trail of control-api: who did what, when, from where, and whether it worked. */
@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(private readonly audit: AuditRepository) {}

  /**
   * Records an event. A failure to write the trail is logged, never thrown: it must not turn a
   * user's successful action into an error.
   */
  async record(entry: AuditEntry): Promise<void> {
    try {
      await this.audit.insert({ ...entry, metadata: entry.metadata ? redactSecrets(entry.metadata) : undefined });
    } catch (error) {
      this.logger.error({ err: error, action: entry.action }, 'audit entry could not be written');
    }
  }

  find(query: AuditQuery) {
    return this.audit.find(query);
  }
}
