export { ControlDatabase } from './control-database';
export { DatabaseModule } from './database.module';
export { SecretBox, SecretBoxError } from './crypto/secret-box';
export {
  type ConnectionLimits,
  PGBOUNCER_AUTH_ROLE,
  TenantDatabaseAdmin,
  isTemplateInUse,
  scramVerifier,
} from './tenant-database-admin';
// The control schema's types and enums, for repositories and services of control-api.
export { EmailDeliveryState, MailChannelStatus, MembershipRole, TenantStatus } from './generated/control/enums';
export type {
  AuditLog,
  DatabaseServer,
  EmailAlias,
  EmailDelivery,
  Invitation,
  MailChannel,
  Membership,
  PasswordResetToken,
  Prisma as ControlPrisma,
  RecoveryCode,
  RefreshToken,
  Tenant,
  User,
} from './generated/control/client';
export { type Page, pageArgs, toPage } from './pagination';
export { isUniqueViolation } from './unique-violation';
export { isUuid, UUID_PATTERN } from './uuid';
export { type GatewayCredentials, tenantPgBouncerUrl } from './tenant-database-url';
// The tenant schema's client, types and enums, for app-api's repositories.
export { PrismaClient as TenantPrismaClient } from './generated/tenant/client';
export {
  CommentFormat,
  CommentVisibility,
  InboundEmailOutcome,
  TicketPriority,
  TicketStatus,
  TicketType,
} from './generated/tenant/enums';
export type {
  Attachment,
  Comment,
  Contact,
  IdempotencyKey,
  InboundEmail,
  Prisma as TenantPrisma,
  Setting,
  Tag,
  Ticket,
  TicketEvent,
  TicketTag,
  Upload,
} from './generated/tenant/client';
export { type DatabaseKind, queryDurationExtension } from './query-duration.extension';
export {
  applySettingsChange,
  type StoredSettings,
  storedSettingsOf,
  type TenantSettings,
  type TenantSettingsChange,
  tenantSettingsOf,
} from './tenant-settings';
