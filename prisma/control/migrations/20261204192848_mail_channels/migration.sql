-- CreateEnum
CREATE TYPE "MailChannelKind" AS ENUM ('IMAP');

-- CreateEnum
CREATE TYPE "MailChannelStatus" AS ENUM ('ACTIVE', 'FAILING', 'DISABLED');

-- CreateTable
CREATE TABLE "mail_channels" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "kind" "MailChannelKind" NOT NULL DEFAULT 'IMAP',
    "host" TEXT NOT NULL,
    "port" INTEGER NOT NULL,
    "tls" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "password_sealed" TEXT NOT NULL,
    "mailbox" TEXT NOT NULL DEFAULT 'INBOX',
    "after_fetch" TEXT NOT NULL DEFAULT 'seen',
    "uid_validity" BIGINT,
    "last_uid" BIGINT NOT NULL DEFAULT 0,
    "status" "MailChannelStatus" NOT NULL DEFAULT 'ACTIVE',
    "last_error" TEXT,
    "last_fetched_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "mail_channels_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "mail_channels_status_idx" ON "mail_channels"("status");

-- CreateIndex
CREATE UNIQUE INDEX "mail_channels_tenant_id_host_username_mailbox_key" ON "mail_channels"("tenant_id", "host", "username", "mailbox");

-- AddForeignKey
ALTER TABLE "mail_channels" ADD CONSTRAINT "mail_channels_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
