-- CreateEnum
CREATE TYPE "EmailDeliveryState" AS ENUM ('SENDING', 'SENT');

-- CreateTable
CREATE TABLE "email_deliveries" (
    "message_id" TEXT NOT NULL,
    "template" TEXT NOT NULL,
    "state" "EmailDeliveryState" NOT NULL DEFAULT 'SENDING',
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "attempted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claimed_until" TIMESTAMPTZ(3),
    "sent_at" TIMESTAMPTZ(3),
    "smtp_response" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "email_deliveries_pkey" PRIMARY KEY ("message_id")
);
