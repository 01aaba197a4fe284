-- Written by hand: Prisma's schema language cannot express partitioning. The audit log becomes a
-- table partitioned by month on created_at (so retention drops a month at once instead of deleting
-- rows), with the columns of its hash chain. The primary key must include the partition column.
-- Partitions are named audit_logs_pYYYYMM; audit_logs_default takes whatever no month holds. The
-- maintenance job `audit-partitions` keeps months created ahead and drops the expired ones.

ALTER TABLE "audit_logs" RENAME TO "audit_logs_unpartitioned";
DROP INDEX "audit_logs_tenant_id_created_at_idx";
DROP INDEX "audit_logs_actor_user_id_created_at_idx";
DROP INDEX "audit_logs_action_created_at_idx";
ALTER TABLE "audit_logs_unpartitioned" DROP CONSTRAINT "audit_logs_pkey";

CREATE TABLE "audit_logs" (
    "id" UUID NOT NULL,
    "tenant_id" UUID,
    "actor_user_id" UUID,
    "action" TEXT NOT NULL,
    "target_type" TEXT,
    "target_id" TEXT,
    "success" BOOLEAN NOT NULL DEFAULT true,
    "ip" TEXT,
    "user_agent" TEXT,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "chain_seq" BIGINT,
    "prev_hash" CHAR(64),
    "hash" CHAR(64),

    CONSTRAINT "audit_logs_pkey" PRIMARY KEY ("id", "created_at")
) PARTITION BY RANGE ("created_at");

CREATE INDEX "audit_logs_tenant_id_created_at_idx" ON "audit_logs"("tenant_id", "created_at");
CREATE INDEX "audit_logs_tenant_id_chain_seq_idx" ON "audit_logs"("tenant_id", "chain_seq");
CREATE INDEX "audit_logs_actor_user_id_created_at_idx" ON "audit_logs"("actor_user_id", "created_at");
CREATE INDEX "audit_logs_action_created_at_idx" ON "audit_logs"("action", "created_at");

CREATE TABLE "audit_logs_default" PARTITION OF "audit_logs" DEFAULT;

-- One partition per month (UTC) from the oldest entry to three months after this one.
DO $$
DECLARE
  month timestamptz;
  last timestamptz := date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + interval '3 months';
BEGIN
  SELECT date_trunc('month', min("created_at") AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' INTO month FROM "audit_logs_unpartitioned";
  month := least(coalesce(month, last), date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC');
  WHILE month <= last LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF "audit_logs" FOR VALUES FROM (%L) TO (%L)',
      'audit_logs_p' || to_char(month AT TIME ZONE 'UTC', 'YYYYMM'), month, month + interval '1 month');
    month := month + interval '1 month';
  END LOOP;
END $$;

-- Entries written before the chain existed keep null chain columns (the verifier reports them as
-- unchained, before the chain's first entry).
INSERT INTO "audit_logs" ("id", "tenant_id", "actor_user_id", "action", "target_type", "target_id", "success", "ip", "user_agent", "metadata", "created_at")
SELECT "id", "tenant_id", "actor_user_id", "action", "target_type", "target_id", "success", "ip", "user_agent", "metadata", "created_at" FROM "audit_logs_unpartitioned";

DROP TABLE "audit_logs_unpartitioned";
