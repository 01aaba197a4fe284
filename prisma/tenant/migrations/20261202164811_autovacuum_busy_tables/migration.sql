-- Autovacuum tuned per table on the busy tables of a tenant. PostgreSQL's defaults (vacuum after
-- 20 % of a table is dead, analyze after 10 % changed) let a tenant of 100,000 tickets collect
-- 20,000 dead row versions before a vacuum: the list indexes bloat and the planner's statistics
-- on status and assignee go stale. Storage parameters are not part of Prisma's schema language,
-- so `migrate -- drift` does not see them; pg_class.reloptions shows them in a tenant database
-- (libs/migrations/src/tenant-tuning.int-spec.ts checks a newly provisioned one).

-- Tickets are updated on every status, assignee or comment change (each update leaves a dead row
-- version, and search_vector makes them about 4 KB): vacuum at 5 % dead, and analyze at 2 %
-- changed so the status and priority distributions the list plans rely on stay current.
ALTER TABLE "tickets" SET (
    autovacuum_vacuum_scale_factor = 0.05,
    autovacuum_analyze_scale_factor = 0.02
);

-- Comments are inserted far more than updated or deleted: the insert threshold (PostgreSQL 13+)
-- keeps the visibility map current for index-only scans of (ticket_id, created_at); updates and
-- deletes (edits, redaction, ticket purges) still trigger at 5 %.
ALTER TABLE "comments" SET (
    autovacuum_vacuum_scale_factor = 0.05,
    autovacuum_vacuum_insert_scale_factor = 0.05,
    autovacuum_analyze_scale_factor = 0.02
);

-- The history is append-only (rows leave only with their ticket): vacuum after 5 % new rows so
-- the visibility map and freezing keep up, analyze at 2 % as it is the fastest-growing table.
ALTER TABLE "ticket_events" SET (
    autovacuum_vacuum_scale_factor = 0.05,
    autovacuum_vacuum_insert_scale_factor = 0.05,
    autovacuum_analyze_scale_factor = 0.02
);

-- A queue table: every row is inserted, then deleted once enqueued, so it is small and almost all
-- dead. A fraction of a near-empty table never triggers; a fixed threshold of 200 dead rows does,
-- and vacuuming a few pages costs nothing (no cost delay).
ALTER TABLE "outbox_messages" SET (
    autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 200,
    autovacuum_analyze_scale_factor = 0,
    autovacuum_analyze_threshold = 200,
    autovacuum_vacuum_cost_delay = 0
);

-- One row per write request with an Idempotency-Key, updated once with the response, and deleted
-- a day later in one sweep by the tenant housekeeping job: vacuum at 2 % dead so each sweep's
-- deletions are reclaimed before the next day's keys need the space.
ALTER TABLE "idempotency_keys" SET (
    autovacuum_vacuum_scale_factor = 0.02,
    autovacuum_analyze_scale_factor = 0.05
);
