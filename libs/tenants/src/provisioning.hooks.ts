import { Injectable } from '@nestjs/common';
import type { Tenant } from '@helpdeskly/database';

/** Steps of provisioning and deletion, in order; each is reported once done. */
export type ProvisioningStep =
  'role_created' | 'database_created' | 'privileges_applied' | 'marked_deleting' | 'database_dropped' | 'role_dropped';

/**
 * Called after each step of provisioning or deletion. A no-op in the apps; tests replace it to
 * throw midway and prove that a failure leaves no orphan and that the work resumes.
 */
@Injectable()
export class ProvisioningHooks {
  async afterStep(_step: ProvisioningStep, _tenant: Tenant): Promise<void> {}
}
