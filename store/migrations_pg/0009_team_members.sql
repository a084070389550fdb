-- Who is in this notebook's team. The group roles rolo_rep and
-- rolo_manager are the server's, shared by every database on it: a
-- manager of one team's notebook was a manager in every other team's
-- notebook on the same server, and a rep of one saw the customers another
-- team shared. The policies (store/team_pg.go) now ask this table: a role
-- sees a notebook's rows only when it is a member of that notebook's team,
-- and is a manager there only when this table says so. The group roles
-- still carry the grants. Readable by the team's roles (the policies read
-- it as the role that asks); written by the tables' owner (rolo team add).
CREATE TABLE IF NOT EXISTS team_members (
    role    text PRIMARY KEY,
    manager boolean NOT NULL DEFAULT false
);
-- A team set up before this table (its customers are under row-level
-- security): its members are whoever the group roles hold (the server's,
-- so members of other teams on it too: `rolo team list` shows them). A new
-- notebook, or one without a team, starts with none.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'rolo_rep')
        AND (SELECT relrowsecurity FROM pg_catalog.pg_class WHERE oid = CAST('customers' AS regclass)) THEN
        INSERT INTO team_members (role, manager)
            SELECT r.rolname, pg_has_role(r.oid, 'rolo_manager', 'MEMBER') FROM pg_catalog.pg_roles r
            WHERE r.rolcanlogin AND NOT r.rolsuper AND pg_has_role(r.oid, 'rolo_rep', 'MEMBER')
            ON CONFLICT (role) DO NOTHING;
    END IF;
END $$;
