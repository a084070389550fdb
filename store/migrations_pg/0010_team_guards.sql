-- Two gaps between teams on one server, whose group roles (rolo_rep,
-- rolo_manager) are the server's:
--
-- 1. The owner of a customer is a column only a manager may change, a
--    column privilege of rolo_manager. A manager of another team's
--    notebook, added here as a rep, held it too, and took the customers
--    shared with this team (UPDATE customers SET owner = current_user:
--    the policy lets a rep write a row they own). Now the server asks this
--    notebook's own list of members: only its managers change an owner
--    (and the tables' owner, whom the policies do not bind).
CREATE OR REPLACE FUNCTION rolo_owner_guard() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    IF row_security_active(TG_RELID)
        AND NOT EXISTS (SELECT 1 FROM team_members WHERE role = current_user AND manager) THEN
        RAISE EXCEPTION 'only a manager of this team assigns a customer to another rep'
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END $f$;
DROP TRIGGER IF EXISTS customers_owner ON customers;
CREATE TRIGGER customers_owner BEFORE UPDATE OF owner ON customers
    FOR EACH ROW WHEN (OLD.owner IS DISTINCT FROM NEW.owner) EXECUTE FUNCTION rolo_owner_guard();

-- 2. The sequences (ids, the change counter) and the list of members
--    were granted to the group roles: every other team's rep could read
--    who is in this team and move this notebook's counters. They are
--    granted to each member's own role now (rolo team add, and taken back
--    by rolo team remove); a team set up before gets them here. A
--    migration that makes a sequence calls rolo_member_grants() too.
CREATE OR REPLACE FUNCTION rolo_member_grants() RETURNS void LANGUAGE plpgsql AS $f$
DECLARE
    r text;
BEGIN
    EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %I FROM rolo_rep, rolo_manager', current_schema());
    FOR r IN SELECT m.role FROM team_members m JOIN pg_catalog.pg_roles p ON p.rolname = m.role ORDER BY m.role LOOP
        EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I', current_schema(), r);
    END LOOP;
END $f$;
REVOKE EXECUTE ON FUNCTION rolo_member_grants() FROM PUBLIC;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'rolo_rep')
        AND EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'rolo_manager') THEN
        PERFORM rolo_member_grants();
    END IF;
END $$;
