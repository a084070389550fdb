-- A rep's or a manager's search. PostgreSQL applies a row-level security
-- policy before any condition of a query whose operator is not leakproof,
-- and LIKE is not: under the policies the trigram index could not serve a
-- rep's search, and the server walked every search row in id order,
-- checking each against the customers the rep sees (0.6-1 s at 100,000
-- customers, against a few milliseconds for the tables' owner).
--
-- This function runs as the tables' owner: it takes the matches from the
-- index and keeps those of the customers that role `who` sees, by the
-- customers' policies' own rule (store/team_pg.go: a member of this
-- notebook's team, and the customer theirs, shared, or they a manager;
-- narrowed to one rep by rolo.rep). rolo passes current_user as who; the
-- logged-in role must be who or a member of it, so nobody asks in another
-- role's name. rolo reads the rows it names back through the table, under
-- the policies, so the policies still decide what a rep is shown.
CREATE OR REPLACE FUNCTION rolo_find_docs(pattern text, after bigint, n bigint, who name, cjk text DEFAULT NULL)
RETURNS SETOF bigint LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $f$
DECLARE
    q text := $q$
        SELECT s.doc FROM search s JOIN customers c ON c.id = s.customer_id
        WHERE EXISTS (SELECT 1 FROM team_members m WHERE m.role = $4)
          AND (c.owner = $4 OR c.shared = 1 OR EXISTS (SELECT 1 FROM team_members m WHERE m.role = $4 AND m.manager))
          AND coalesce(nullif(current_setting('rolo.rep', true), ''), c.owner) = c.owner
          AND s.doc > $2 AND s.body LIKE $1 ESCAPE '\' $q$;
BEGIN
    IF NOT pg_has_role(session_user, who, 'MEMBER') THEN
        RETURN;
    END IF;
    -- cjk: profiles only, looked up by their characters (schema 8's
    -- column cjk, " 王 " for 王), as a query of one or two Chinese
    -- characters is.
    IF cjk IS NOT NULL THEN
        q := q || ' AND s.doc % 4 = 0 AND s.cjk LIKE $5';
    END IF;
    -- EXECUTE: planned for this pattern, as a query of the owner's would
    -- be; planned once for any pattern, the server chose to walk the rows
    -- in id order rather than ask the trigram index.
    RETURN QUERY EXECUTE q || ' ORDER BY s.doc LIMIT $3' USING pattern, after, n, who, cjk;
END $f$;
REVOKE EXECUTE ON FUNCTION rolo_find_docs(text, bigint, bigint, name, text) FROM PUBLIC;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'rolo_rep') THEN
        GRANT EXECUTE ON FUNCTION rolo_find_docs(text, bigint, bigint, name, text) TO rolo_rep;
    END IF;
END $$;

-- The functions that run as the tables' owner look their tables up by the
-- search path they were made with, and PostgreSQL looks in the caller's
-- temporary schema first unless the path names it: a rep's temporary table
-- called customers, all of them the rep's, would have answered for the
-- real one here. Each gets that path with pg_temp last, as PostgreSQL's
-- documentation of SECURITY DEFINER advises.
DO $$
DECLARE
    path text := (SELECT string_agg(quote_ident(x), ', ') FROM unnest(current_schemas(false)) x) || ', pg_temp';
BEGIN
    EXECUTE format('ALTER FUNCTION rolo_find_docs(text, bigint, bigint, name, text) SET search_path = %s', path);
    EXECUTE format('ALTER FUNCTION rolo_sync_ids() SET search_path = %s', path);
    EXECUTE format('ALTER FUNCTION rolo_agenda_stale() SET search_path = %s', path);
    EXECUTE format('ALTER FUNCTION rolo_agenda_stale_all() SET search_path = %s', path);
END $$;
