-- CreateIndex
-- IF NOT EXISTS: commit 7010307 put this index in 20261203172834_email_deliveries for a while,
-- so databases migrated in between have it already.
CREATE INDEX IF NOT EXISTS "email_deliveries_created_at_idx" ON "email_deliveries"("created_at");
