package store

// pgTeamSQL sets up a team (TeamInit): group roles, grants and policies.
// Every statement may run again.
//
//   - customers: a rep sees and changes the customers they own and those
//     shared with the team; a manager all. Only a manager may change the
//     owner (column privileges): a rep cannot take or give away customers.
//   - every table of a customer's records (purchases, payments, contacts,
//     follow-ups, surveys, tier history, events, status history, agenda
//     actions, the kept totals and the search rows): a row is visible and
//     writable when its customer is, decided by the customers' own policy
//     through the EXISTS below, so one rule holds everywhere. A manager
//     not narrowed to one rep sees every customer, so every such row:
//     (SELECT rolo_sees_all()) says so once a statement, before the
//     EXISTS, which the server would otherwise work out row by row or
//     as the set of every customer id (a manager's show 0.26 -> 0.05 s,
//     pyramid 1.24 -> 0.87 s at 100,000 customers; schema 13).
//   - who is in the team is this notebook's table team_members (schema
//     9), not the group roles, which are the server's: a role sees a
//     notebook's rows only as a member of its team, and is a manager only
//     where the table says so. A manager of one team's notebook is nobody
//     in another team's on the same server.
//     The list of members is read by the team's members only.
//   - settings are the team's (one currency, one set of tier cuts): reps
//     read them, managers change them.
//   - state (the kept tier floors, the fitted model, change counters) is per
//     rep already (schema 1): each describes the customers one rep sees.
//   - rolo.rep, when a connection sets it (Options.Rep, --rep), narrows what
//     a manager sees to one rep's customers (a restrictive policy).
//   - the sequences (the ids, the change counter, the kept agenda's
//     generation) are granted to each member's own role, not to the group
//     roles (rolo_member_grants, migrations_pg/0010): another team's rep
//     could move this notebook's counters. An owner changes only by a
//     manager of this team (the trigger customers_owner), not by whoever
//     holds the manager's column privilege as another team's manager.
//   - the kept agenda (migrations_pg/0006) holds every rep's customers: a
//     manager, who sees them all, reads and keeps it as the owner does; a
//     rep cannot read it.
//
// The role that owns the tables (who ran TeamInit) is not subject to the
// policies, as PostgreSQL has it; superusers never are.
const pgTeamSQL = `
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'rolo_rep') THEN
        CREATE ROLE rolo_rep NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'rolo_manager') THEN
        CREATE ROLE rolo_manager NOLOGIN;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO rolo_rep', current_schema());
END $$;
GRANT rolo_rep TO rolo_manager;

-- Who is in the team, asked as the tables' owner (SECURITY DEFINER): the
-- list of members is itself under a policy (below), which asks it. Only
-- for the logged-in role or a role it belongs to: nobody learns whether
-- someone else is a member by asking in their name.
CREATE OR REPLACE FUNCTION rolo_in_team(who name, as_manager boolean) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT
    AS $f$ SELECT pg_has_role(session_user, who, 'MEMBER')
        AND EXISTS (SELECT 1 FROM team_members m WHERE m.role = who AND (m.manager OR NOT as_manager)) $f$;
REVOKE EXECUTE ON FUNCTION rolo_in_team(name, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rolo_in_team(name, boolean) TO rolo_rep;
DO $$
BEGIN
    EXECUTE format('ALTER FUNCTION rolo_in_team(name, boolean) SET search_path = %s',
        (SELECT string_agg(quote_ident(x), ', ') FROM unnest(current_schemas(false)) x) || ', pg_temp');
END $$;
CREATE OR REPLACE FUNCTION rolo_is_member() RETURNS boolean LANGUAGE sql STABLE
    AS $f$ SELECT rolo_in_team(current_user, false) $f$;
CREATE OR REPLACE FUNCTION rolo_is_manager() RETURNS boolean LANGUAGE sql STABLE
    AS $f$ SELECT rolo_in_team(current_user, true) $f$;
-- The members see who else is in the team; a rep of another team on the
-- same server (who holds rolo_rep's grants) sees nobody (schema 13).
GRANT SELECT ON team_members TO rolo_rep;
ALTER TABLE team_members ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS team_members_team ON team_members;
CREATE POLICY team_members_team ON team_members FOR SELECT USING ((SELECT rolo_is_member()));
-- The policies ask (SELECT rolo_is_member()): a query's one answer (an
-- InitPlan), not a function call for each row it reads.
-- A manager not narrowed to one rep sees every customer, so every row of
-- their records (schema 13).
CREATE OR REPLACE FUNCTION rolo_sees_all() RETURNS boolean LANGUAGE sql STABLE
    AS $f$ SELECT rolo_is_manager() AND coalesce(current_setting('rolo.rep', true), '') = '' $f$;

GRANT SELECT ON rolo_schema, settings TO rolo_rep;
ALTER TABLE settings ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS settings_team ON settings;
CREATE POLICY settings_team ON settings FOR SELECT USING ((SELECT rolo_is_member()));
DROP POLICY IF EXISTS settings_manager ON settings;
CREATE POLICY settings_manager ON settings TO rolo_manager USING ((SELECT rolo_is_manager())) WITH CHECK ((SELECT rolo_is_manager()));
GRANT INSERT, UPDATE, DELETE ON settings TO rolo_manager;
GRANT SELECT, INSERT, UPDATE, DELETE ON state, purchases, payments, contacts, followups, surveys, tier_history,
    events, status_history, agenda_actions, purchase_totals, search TO rolo_rep;
GRANT SELECT, INSERT, DELETE ON customers TO rolo_rep;
GRANT UPDATE (external_id, name, name_pinyin, name_initials, company, title, phone, email, wechat, address, city,
    birthday, birthday_lunar, birthday_leap, gender, occupation, source, referred_by, status, lost_reason, attitude,
    preferences, needs, notes, tags, custom, cadence_days, created_at, updated_at, archived_at, shared)
    ON customers TO rolo_rep;
GRANT UPDATE ON customers TO rolo_manager;

ALTER TABLE customers ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS customers_team ON customers;
CREATE POLICY customers_team ON customers
    USING ((SELECT rolo_is_member()) AND (owner = current_user OR shared = 1 OR (SELECT rolo_is_manager())))
    WITH CHECK ((SELECT rolo_is_member()) AND (owner = current_user OR shared = 1 OR (SELECT rolo_is_manager())));
DROP POLICY IF EXISTS customers_one_rep ON customers;
-- rolo.rep is read once a statement too (schema 13): read for each row,
-- as coalesce(nullif(current_setting(...), ''), owner) = owner, it cost
-- a call per customer checked (the set of customers a rep sees, which
-- most of a rep's statements work out: 37-40 ms -> 32 ms at 100,000),
-- and the planner, which could not see through it, guessed that 0.5% of
-- the customers pass.
CREATE POLICY customers_one_rep ON customers AS RESTRICTIVE
    USING ((SELECT coalesce(current_setting('rolo.rep', true), '') = '') OR owner = (SELECT current_setting('rolo.rep', true)));
DROP FUNCTION IF EXISTS rolo_rep_filter(text);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['purchases', 'contacts', 'followups', 'surveys', 'tier_history', 'events',
                             'status_history', 'agenda_actions', 'purchase_totals', 'search'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('DROP POLICY IF EXISTS %I ON %I', t || '_team', t);
        EXECUTE format('CREATE POLICY %I ON %I
            USING ((SELECT rolo_sees_all()) OR EXISTS (SELECT 1 FROM customers c WHERE c.id = customer_id))
            WITH CHECK ((SELECT rolo_sees_all()) OR EXISTS (SELECT 1 FROM customers c WHERE c.id = customer_id))', t || '_team', t);
    END LOOP;
END $$;

ALTER TABLE payments ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS payments_team ON payments;
CREATE POLICY payments_team ON payments
    USING ((SELECT rolo_sees_all()) OR EXISTS (SELECT 1 FROM purchases p WHERE p.id = purchase_id))
    WITH CHECK ((SELECT rolo_sees_all()) OR EXISTS (SELECT 1 FROM purchases p WHERE p.id = purchase_id));
` + pgTeamKeptSQL

// pgTeamKeptSQL lets a manager read and keep the kept agenda; TeamInit
// runs it, and so does the migration that makes the kept agenda
// (migrations_pg/0006) in a notebook whose team was set up before it.
const pgTeamKeptSQL = `
GRANT SELECT, INSERT, DELETE ON agenda_kept TO rolo_manager;
GRANT SELECT, DELETE ON agenda_stale TO rolo_manager;
GRANT SELECT, UPDATE ON agenda_keeper TO rolo_manager;
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['agenda_kept', 'agenda_stale', 'agenda_keeper'] LOOP
        EXECUTE format('DROP POLICY IF EXISTS %I ON %I', t || '_manager', t);
        EXECUTE format('CREATE POLICY %I ON %I TO rolo_manager USING ((SELECT rolo_is_manager())) WITH CHECK ((SELECT rolo_is_manager()))', t || '_manager', t);
    END LOOP;
END $$;
`
