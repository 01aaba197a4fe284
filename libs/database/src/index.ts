export { ControlDatabase } from './control-database';
export { DatabaseModule } from './database.module';
export { SecretBox, SecretBoxError } from './crypto/secret-box';
export { PGBOUNCER_AUTH_ROLE, TenantDatabaseAdmin, isTemplateInUse, scramVerifier } from './tenant-database-admin';
// The control schema's types and enums, for repositories and services of control-api.
export { MembershipRole, TenantStatus } from './generated/control/enums';
export type { AuditLog, DatabaseServer, Invitation, Membership, PasswordResetToken, Prisma as ControlPrisma, RecoveryCode, RefreshToken, Tenant, User } from './generated/control/client';
export { type Page, pageArgs, toPage } from './pagination';
