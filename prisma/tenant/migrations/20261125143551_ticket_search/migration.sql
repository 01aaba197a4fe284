-- Full-text search over a ticket: subject (weight A), description (B) and the bodies of its comments
-- (C, internal notes included: only agents search). Kept in tickets.search_vector by triggers, so every
-- writer (API, bulk update, seed, a hand-written UPDATE) keeps it current; the GIN index
-- tickets_search_vector_idx serves `search_vector @@ websearch_to_tsquery('english', q)`.
-- The 'english' configuration must match the query side (apps/app-api/src/ticket-search).
-- Functions and triggers are invisible to Prisma's schema, so this migration holds only them.

-- The document of one ticket. The text fed in is capped (description 100,000 characters, comments
-- 250,000, newest comments first): a tsvector cannot exceed 1 MB, and a ticket with many long
-- comments of random tokens (pasted logs) would otherwise make the next comment fail to save.
CREATE FUNCTION ticket_search_document(p_ticket_id uuid, p_subject text, p_description text)
RETURNS tsvector
LANGUAGE sql
STABLE
SET search_path = public, pg_catalog
AS $$
  SELECT setweight(to_tsvector('english'::regconfig, coalesce(p_subject, '')), 'A')
      || setweight(to_tsvector('english'::regconfig, left(coalesce(p_description, ''), 100000)), 'B')
      || setweight(to_tsvector('english'::regconfig, coalesce((
           SELECT left(string_agg(c.body, E'\n' ORDER BY c.created_at DESC, c.id DESC), 250000)
           FROM comments c
           WHERE c.ticket_id = p_ticket_id
         ), '')), 'C')
$$;

-- Tickets: recompute on insert, and when the subject or description actually changes.
CREATE FUNCTION tickets_search_vector_refresh() RETURNS trigger
LANGUAGE plpgsql
SET search_path = public, pg_catalog
AS $$
BEGIN
  NEW.search_vector := ticket_search_document(NEW.id, NEW.subject, NEW.description);
  RETURN NEW;
END
$$;

CREATE TRIGGER tickets_search_vector_insert
BEFORE INSERT ON tickets
FOR EACH ROW EXECUTE FUNCTION tickets_search_vector_refresh();

CREATE TRIGGER tickets_search_vector_update
BEFORE UPDATE OF subject, description ON tickets
FOR EACH ROW
WHEN (OLD.subject IS DISTINCT FROM NEW.subject OR OLD.description IS DISTINCT FROM NEW.description)
EXECUTE FUNCTION tickets_search_vector_refresh();

-- Comments: recompute the ticket's document when a comment is added, edited, moved or removed.
-- The UPDATE below sets only search_vector, so it does not fire the tickets triggers above; after a
-- ticket's own deletion (comments cascade) it matches no row.
CREATE FUNCTION comments_search_vector_refresh() RETURNS trigger
LANGUAGE plpgsql
SET search_path = public, pg_catalog
AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE tickets t SET search_vector = ticket_search_document(t.id, t.subject, t.description) WHERE t.id = NEW.ticket_id;
  END IF;
  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.ticket_id IS DISTINCT FROM NEW.ticket_id) THEN
    UPDATE tickets t SET search_vector = ticket_search_document(t.id, t.subject, t.description) WHERE t.id = OLD.ticket_id;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER comments_search_vector_insert_delete
AFTER INSERT OR DELETE ON comments
FOR EACH ROW EXECUTE FUNCTION comments_search_vector_refresh();

CREATE TRIGGER comments_search_vector_update
AFTER UPDATE OF body, ticket_id ON comments
FOR EACH ROW
WHEN (OLD.body IS DISTINCT FROM NEW.body OR OLD.ticket_id IS DISTINCT FROM NEW.ticket_id)
EXECUTE FUNCTION comments_search_vector_refresh();

-- Backfill the tickets written before this migration.
UPDATE tickets t SET search_vector = ticket_search_document(t.id, t.subject, t.description);
