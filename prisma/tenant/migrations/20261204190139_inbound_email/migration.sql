-- CreateEnum
CREATE TYPE "InboundEmailOutcome" AS ENUM ('RECEIVED', 'TICKET_CREATED', 'COMMENT_ADDED', 'FOLLOW_UP_CREATED', 'DUPLICATE', 'AUTO_REPLY', 'BULK', 'OWN_ADDRESS', 'BOUNCE', 'REFUSED');

-- AlterTable
ALTER TABLE "contacts" ADD COLUMN     "email_bounced_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "tickets" ADD COLUMN     "cc_emails" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "follow_up_of_id" UUID,
ADD COLUMN     "reply_token" TEXT NOT NULL DEFAULT replace((gen_random_uuid())::text, '-'::text, ''::text);

-- CreateTable
CREATE TABLE "inbound_emails" (
    "id" UUID NOT NULL,
    "message_id" TEXT NOT NULL,
    "from_address" TEXT,
    "recipient" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "outcome" "InboundEmailOutcome" NOT NULL,
    "reason" TEXT,
    "ticket_id" UUID,
    "comment_id" UUID,
    "raw_key" TEXT,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inbound_emails_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "inbound_emails_message_id_key" ON "inbound_emails"("message_id");

-- CreateIndex
CREATE INDEX "inbound_emails_ticket_id_idx" ON "inbound_emails"("ticket_id");

-- CreateIndex
CREATE INDEX "inbound_emails_received_at_idx" ON "inbound_emails"("received_at");

-- CreateIndex
CREATE UNIQUE INDEX "tickets_reply_token_key" ON "tickets"("reply_token");

-- AddForeignKey
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_follow_up_of_id_fkey" FOREIGN KEY ("follow_up_of_id") REFERENCES "tickets"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inbound_emails" ADD CONSTRAINT "inbound_emails_ticket_id_fkey" FOREIGN KEY ("ticket_id") REFERENCES "tickets"("id") ON DELETE CASCADE ON UPDATE CASCADE;
