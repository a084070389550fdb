-- Schema 6: the kept agenda on PostgreSQL, as SQLite's schema 10 keeps
-- it (store/agendakept.go): what the agenda reads of each current
-- customer, encoded in chunks of the 64 customers whose ids share id >> 6.
--
-- Many reps write at once here, so the chunks are not deleted by the
-- writes, nor is there one generation row that every write updates (eight
-- reps writing at once failed on serialization conflicts with one: see
-- 0002). Every statement that writes a table the agenda reads takes a
-- number from the sequence agenda_gen and adds a row to agenda_stale for
-- each chunk it touched: inserts only, which never conflict. A chunk
-- stands while no row of agenda_stale names it with a number above its
-- own (or chunk -1, which stands for every chunk). A chunk is kept with the number read before its customers were,
-- once the writes under way have ended (rolo_agenda_marking's lock,
-- which each marking transaction holds until it ends), so a write the
-- read did not see always has a higher number; the rows of a write not
-- yet committed are seen by nobody, and neither are its markers. Keepers
-- take turns (agenda_keeper) in the order of their numbers, and each
-- clears the markers its number covers.
--
-- Only a connection that sees every customer (the owner of the tables: a
-- rep's own notebook, or a team's owner; and a team's managers, whom
-- store/team_pg.go lets) keeps and reads the chunks: they hold every rep's
-- customers. The marking runs as the owner (SECURITY DEFINER), so a rep's
-- writes mark the chunks too, and a rep can read none of these tables.
CREATE SEQUENCE IF NOT EXISTS agenda_gen;

CREATE TABLE IF NOT EXISTS agenda_kept (
    chunk bigint PRIMARY KEY, -- customer id >> 6
    gen   bigint NOT NULL,    -- agenda_gen before the chunk's customers were read
    data  bytea NOT NULL
);

CREATE TABLE IF NOT EXISTS agenda_stale (
    chunk bigint NOT NULL,
    gen   bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS agenda_stale_chunk ON agenda_stale(chunk, gen);

-- The number the latest keeping went by: a keeper that read its number
-- before it keeps nothing (what it read is older than what is kept).
CREATE TABLE IF NOT EXISTS agenda_keeper (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    gen      bigint NOT NULL
);
INSERT INTO agenda_keeper(gen) VALUES (0) ON CONFLICT DO NOTHING;

ALTER TABLE agenda_kept ENABLE ROW LEVEL SECURITY;
ALTER TABLE agenda_stale ENABLE ROW LEVEL SECURITY;
ALTER TABLE agenda_keeper ENABLE ROW LEVEL SECURITY;

-- The lock a marking transaction holds until it ends, shared with other
-- writers; a keeper takes it alone (keptGenPG), and so waits for the
-- writes under way. An advisory lock, by the notebook's schema: a lock on
-- agenda_stale itself would also wait for autovacuum.
CREATE OR REPLACE FUNCTION rolo_agenda_marking() RETURNS void
    LANGUAGE sql
    AS $$ SELECT pg_advisory_xact_lock_shared(1919905652, hashtext(current_schema())) $$;

CREATE OR REPLACE FUNCTION rolo_agenda_stale() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT
    AS $$
DECLARE
    g bigint;
BEGIN
    -- The lock first, then the number: a keeper that read the sequence
    -- after waiting for this lock sees this write's rows.
    PERFORM rolo_agenda_marking();
    g := nextval('agenda_gen');
    IF TG_TABLE_NAME = 'customers' THEN
        IF TG_OP <> 'DELETE' THEN
            INSERT INTO agenda_stale SELECT DISTINCT id >> 6, g FROM rolo_new;
        END IF;
        IF TG_OP <> 'INSERT' THEN
            INSERT INTO agenda_stale SELECT DISTINCT id >> 6, g FROM rolo_old;
        END IF;
    ELSIF TG_TABLE_NAME = 'payments' THEN
        IF TG_OP <> 'DELETE' THEN
            INSERT INTO agenda_stale SELECT DISTINCT p.customer_id >> 6, g FROM rolo_new n JOIN purchases p ON p.id = n.purchase_id;
        END IF;
        IF TG_OP <> 'INSERT' THEN
            INSERT INTO agenda_stale SELECT DISTINCT p.customer_id >> 6, g FROM rolo_old o JOIN purchases p ON p.id = o.purchase_id;
        END IF;
    ELSE
        IF TG_OP <> 'DELETE' THEN
            INSERT INTO agenda_stale SELECT DISTINCT customer_id >> 6, g FROM rolo_new;
        END IF;
        IF TG_OP <> 'INSERT' THEN
            INSERT INTO agenda_stale SELECT DISTINCT customer_id >> 6, g FROM rolo_old;
        END IF;
    END IF;
    RETURN NULL;
END $$;

-- A bulk write (an import, a copy, the demo) marks every chunk at once
-- instead, with a marker for chunk -1, when it is done: row by row, the
-- markers cost an import of 100,000 customers a fifth more time. It says
-- so with the setting rolo.bulk, which the triggers go by. (A rep could
-- set it by hand to leave their writes unmarked: that only keeps the
-- owner's agenda from seeing the rep's latest changes to the rep's own
-- customers, as not recording them would.)
CREATE OR REPLACE FUNCTION rolo_agenda_stale_all() RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT
    AS $$
BEGIN
    PERFORM rolo_agenda_marking();
    INSERT INTO agenda_stale VALUES (-1, nextval('agenda_gen'));
END $$;

-- One trigger a statement and event (PostgreSQL takes transition tables
-- for one event a trigger). Like the rest of this script, made so that it
-- may run again.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['customers', 'purchases', 'purchase_totals', 'contacts', 'events', 'surveys',
                             'payments', 'agenda_actions'] LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_agenda_insert', t);
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_agenda_update', t);
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_agenda_delete', t);
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS rolo_new
            FOR EACH STATEMENT WHEN (current_setting(''rolo.bulk'', true) IS DISTINCT FROM ''on'')
            EXECUTE FUNCTION rolo_agenda_stale()', t || '_agenda_insert', t);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS rolo_old NEW TABLE AS rolo_new
            FOR EACH STATEMENT WHEN (current_setting(''rolo.bulk'', true) IS DISTINCT FROM ''on'')
            EXECUTE FUNCTION rolo_agenda_stale()', t || '_agenda_update', t);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS rolo_old
            FOR EACH STATEMENT WHEN (current_setting(''rolo.bulk'', true) IS DISTINCT FROM ''on'')
            EXECUTE FUNCTION rolo_agenda_stale()', t || '_agenda_delete', t);
    END LOOP;
END $$;

-- The kept agenda stands aside while anything is dated after today (as
-- SQLite's agenda_kept_meta tells): the latest of each, from an index.
CREATE INDEX IF NOT EXISTS contacts_at ON contacts(at);
CREATE INDEX IF NOT EXISTS payments_date ON payments(date);
CREATE INDEX IF NOT EXISTS surveys_date ON surveys(date);
