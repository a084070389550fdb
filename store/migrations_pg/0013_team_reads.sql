-- A team's reads: quicker for reps and managers, the list of members the
-- team's own, and a notebook its owner can back up with pg_dump.
--
-- 1. A manager not narrowed to one rep sees every customer, and so every
--    row of their records. The records' policies say so first (store/
--    team_pg.go, rolo_sees_all), once a statement, where the server
--    checked each row's customer, or built the set of every customer id,
--    for every statement (a manager's show 0.26 -> 0.05 s at 100,000
--    customers). rolo sets a team's policies up again after this script.
--
--    The list of members (team_members) is read by the team's members
--    only (store/team_pg.go, rolo_in_team): a rep of another team on the
--    same server, who holds rolo_rep's grant, read who was in this team.
--
-- 2. A rep's or a manager's search of one or two characters (schema 12
--    took the longer ones through the owner's rights). Such a query has
--    too few characters for the trigram index, so rolo scans the search
--    rows; under the policies the server checked every purchase's and
--    contact's row against the customers the rep sees before LIKE could
--    look at it: `find 王东` took 1.1-1.6 s for a rep of a 100,000-customer
--    team, 0.95 s of it this scan. rolo_find_docs now also scans, as the
--    tables' owner, when asked to (scan: 0 the profiles, 1 the purchases'
--    and contacts' rows).
--
--    The rule of who sees a customer is worked out before the query, and
--    the query gets only what is left of it: a rep's customers and the
--    shared ones, every customer for a manager, one rep's for a manager
--    narrowed by rolo.rep. Written as one expression, as the policies had
--    it, the planner guessed that 0.5% of the customers pass (it cannot
--    see through coalesce(nullif(current_setting(...)))), and looked each
--    one's search rows up in turn instead of reading the table once.
DROP FUNCTION IF EXISTS rolo_find_docs(text, bigint, bigint, name, text);
CREATE OR REPLACE FUNCTION rolo_find_docs(pattern text, after bigint, n bigint, who name, cjk text DEFAULT NULL, scan int DEFAULT NULL)
RETURNS SETOF bigint LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $f$
DECLARE
    rep text := nullif(current_setting('rolo.rep', true), '');
    q text := 'SELECT s.doc FROM search s JOIN customers c ON c.id = s.customer_id WHERE s.doc > $2';
BEGIN
    -- The customers' policies' rule (store/team_pg.go), whose rolo_in_team
    -- answers only for the logged-in role, or a role it belongs to: nobody
    -- asks in another role's name.
    IF NOT rolo_in_team(who, false) THEN
        RETURN;
    END IF;
    IF NOT rolo_in_team(who, true) THEN
        q := q || ' AND (c.owner = $4 OR c.shared = 1)';
    END IF;
    IF rep IS NOT NULL THEN
        q := q || ' AND c.owner = $6';
    END IF;
    IF scan IS NULL THEN
        q := q || ' AND s.body LIKE $1 ESCAPE ''\''';
    ELSE
        -- (body || '') keeps the planner off the trigram index, which has
        -- nothing to look up for so short a pattern and would read all of it.
        q := q || ' AND (s.body || '''') LIKE $1 ESCAPE ''\''';
        q := q || CASE scan WHEN 0 THEN ' AND s.doc % 4 = 0' ELSE ' AND s.doc % 4 IN (1, 2)' END;
    END IF;
    -- cjk: profiles only, looked up by their characters (schema 8's
    -- column cjk, " 王 " for 王), as a query of one or two Chinese
    -- characters is.
    IF cjk IS NOT NULL THEN
        q := q || ' AND s.doc % 4 = 0 AND s.cjk LIKE $5';
    END IF;
    -- EXECUTE: planned for this pattern and this rep, as a query of the
    -- owner's would be; planned once for any pattern, the server chose to
    -- walk the rows in id order rather than ask the trigram index.
    RETURN QUERY EXECUTE q || ' ORDER BY s.doc LIMIT $3' USING pattern, after, n, who, cjk, rep;
END $f$;
REVOKE EXECUTE ON FUNCTION rolo_find_docs(text, bigint, bigint, name, text, int) FROM PUBLIC;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'rolo_rep') THEN
        GRANT EXECUTE ON FUNCTION rolo_find_docs(text, bigint, bigint, name, text, int) TO rolo_rep;
    END IF;
    -- pg_temp last, as schema 12 has it for every function that runs as
    -- the tables' owner.
    EXECUTE format('ALTER FUNCTION rolo_find_docs(text, bigint, bigint, name, text, int) SET search_path = %s',
        (SELECT string_agg(quote_ident(x), ', ') FROM unnest(current_schemas(false)) x) || ', pg_temp');
END $$;

-- 3. A list of ids (the store's json_each(?), rolo_ids here) is cast to
--    bigint in one piece, as an array, not id by id. PostgreSQL keeps a
--    condition that calls a function not marked leakproof on a row's
--    values behind the policies' own, and a cast from text is such a
--    function: as the list was written (CAST(x AS bigint) of each
--    element), `customers WHERE id IN (list)` could not look the ids up in
--    the key for a rep or a manager, and read every customer the policies
--    let through (88 ms of a manager's `find wxm` at 100,000 customers;
--    0.8 ms now).
CREATE OR REPLACE FUNCTION rolo_ids(ids text) RETURNS TABLE (key bigint, value bigint)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $f$ SELECT ord - 1, v FROM unnest(CAST(translate(ids, '[]', '{}') AS bigint[])) WITH ORDINALITY AS u(v, ord) $f$;

-- 4. The tables' owner backs the notebook up with pg_dump, which reads
--    every table with row_security off and stops at one whose policies
--    bind the owner: the state table's did (FORCE, schema 1), so pg_dump
--    by an owner who is not a superuser failed. rolo's own reads of the
--    state name the rep (store/state.go), which is what the forced policy
--    was for; the reps are still held to their own rows.
ALTER TABLE state NO FORCE ROW LEVEL SECURITY;
