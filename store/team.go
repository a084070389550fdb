package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"regexp"
	"sync"

	"github.com/jackc/pgx/v5"
)

// Teams: on a PostgreSQL notebook every customer has an owner, a rep, and
// reps are PostgreSQL roles: the server authenticates them (rolo stores no
// passwords) and its row-level security policies let a rep see and change
// only their own customers and their records, and those shared with the
// team; a manager sees and changes all. TeamInit creates the group roles
// rolo_rep and rolo_manager and the policies (team_pg.go); TeamAdd makes a
// rep; Assign gives a customer to one. A SQLite notebook is one person's:
// these return KindUnsupported there.

// Rep is a member of the team.
type Rep struct {
	Name    string `json:"name"`
	Manager bool   `json:"manager"`
}

func (s *Store) needTeams() error {
	if s.pg {
		return nil
	}
	return Errorf(KindUnsupported, "teams need a PostgreSQL notebook; %s is a notebook file of one person", s.path)
}

// repName is what rolo takes for a rep's role name: a plain identifier, so
// that a name typed on the command line never needs quoting rules.
var repName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z_][a-z0-9_.-]{0,62}$`) })

func checkRepName(rep string) error {
	if !repName().MatchString(rep) {
		return Errorf(KindInvalid, "rep name %q: use lower-case letters, digits, _ . or -, starting with a letter (at most 63)", rep)
	}
	if rep == pgRepRole || rep == pgManagerRole {
		return Errorf(KindInvalid, "%s is the name of rolo's group role; choose another name for the rep", rep)
	}
	return nil
}

// Group roles.
const (
	pgRepRole     = "rolo_rep"
	pgManagerRole = "rolo_manager"
)

// TeamInit sets up a team on the notebook: the group roles, the grants and
// the row-level security policies. Running it again changes nothing. It
// needs a role that may create roles and owns the notebook's tables.
func (s *Store) TeamInit(ctx context.Context) error {
	if err := s.needTeams(); err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7523409873)`); err != nil {
			return s.wrap("team init", err)
		}
		if _, err := tx.ExecContext(ctx, pgTeamSQL); err != nil {
			return s.wrap("team init", err)
		}
		if _, err := tx.ExecContext(ctx, `SELECT rolo_member_grants()`); err != nil {
			return s.wrap("team init", err)
		}
		if _, err := tx.ExecContext(ctx, `GRANT EXECUTE ON FUNCTION rolo_find_docs(text, bigint, bigint, name, text, int) TO `+pgRepRole); err != nil {
			return s.wrap("team init", err)
		}
		return s.bumpVersion(ctx, tx, purchasesVersion)
	})
}

// TeamAdd makes rep a member of the team, creating the login role when it
// does not exist (with no password: the server's authentication rules
// say how the rep logs in); manager makes them a manager too.
func (s *Store) TeamAdd(ctx context.Context, rep string, manager bool) error {
	if err := s.needTeams(); err != nil {
		return err
	}
	if err := checkRepName(rep); err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := s.teamReady(ctx, tx); err != nil {
			return err
		}
		ident := pgx.Identifier{rep}.Sanitize()
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ?)`, rep).Scan(&exists); err != nil {
			return s.wrap("team add", err)
		}
		if !exists {
			if _, err := tx.ExecContext(ctx, `CREATE ROLE `+ident+` LOGIN`); err != nil {
				return s.wrap("team add", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `GRANT `+pgRepRole+` TO `+ident); err != nil {
			return s.wrap("team add", err)
		}
		if manager {
			if _, err := tx.ExecContext(ctx, `GRANT `+pgManagerRole+` TO `+ident); err != nil {
				return s.wrap("team add", err)
			}
		}
		// The group roles carry the grants and are the server's; this
		// notebook's own list says who is in its team, and who manages it.
		if _, err := tx.ExecContext(ctx, `INSERT INTO team_members (role, manager) VALUES (?, CAST(? AS integer) = 1)
			ON CONFLICT (role) DO UPDATE SET manager = team_members.manager OR excluded.manager`, rep, manager); err != nil {
			return s.wrap("team add", err)
		}
		// The sequences are granted member by member (migrations_pg/0010).
		if _, err := tx.ExecContext(ctx, `SELECT rolo_member_grants()`); err != nil {
			return s.wrap("team add", err)
		}
		// Who the rep sees changed: what they kept of their ranking is stale.
		return s.bumpVersion(ctx, tx, purchasesVersion)
	})
}

// TeamRemove takes rep out of this notebook's team: they no longer open
// it, and see none of its rows. Their role stays, and so do its group
// roles, which the server's other notebooks may give them; their
// customers stay theirs (owned) until a manager assigns them to another
// rep. It returns how many customers rep still owns.
func (s *Store) TeamRemove(ctx context.Context, rep string) (owned int, err error) {
	if err := s.needTeams(); err != nil {
		return 0, err
	}
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		if err := s.teamReady(ctx, tx); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM team_members WHERE role = ?`, rep)
		if err != nil {
			return s.wrap("team remove", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err == nil {
				err = Errorf(KindNotFound, "no rep named %q in the team (rolo team list shows them)", rep)
			}
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM customers WHERE owner = ?`, rep).Scan(&owned); err != nil {
			return s.wrap("team remove", err)
		}
		// What was granted to the rep's own role here goes with them: not
		// from a role the server no longer has, which holds nothing, nor
		// from the tables' owner (added to the team too), whose own
		// privileges the sequences are.
		var schema string
		var revoke bool
		if err := tx.QueryRowContext(ctx, `SELECT current_schema(), coalesce((SELECT NOT pg_has_role(r.oid,
			(SELECT relowner FROM pg_catalog.pg_class WHERE oid = CAST('customers' AS regclass)), 'USAGE')
			FROM pg_catalog.pg_roles r WHERE r.rolname = ?), false)`, rep).Scan(&schema, &revoke); err != nil {
			return s.wrap("team remove", err)
		}
		if revoke {
			if _, err := tx.ExecContext(ctx, `REVOKE ALL ON ALL SEQUENCES IN SCHEMA `+pgx.Identifier{schema}.Sanitize()+` FROM `+pgx.Identifier{rep}.Sanitize()); err != nil {
				return s.wrap("team remove", err)
			}
		}
		// Who the team sees changed: what they kept of their ranking is stale.
		return s.bumpVersion(ctx, tx, purchasesVersion)
	})
	return owned, err
}

// teamReady says whether TeamInit has run on the server.
func (s *Store) teamReady(ctx context.Context, q queryer) error {
	var ok bool
	if err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'rolo_rep')
		AND to_regprocedure('rolo_is_manager()') IS NOT NULL`).Scan(&ok); err != nil {
		return s.wrap("team", err)
	}
	if !ok {
		return Errorf(KindInvalid, "%s has no team yet: its group roles and policies are not set up", s.path)
	}
	return nil
}

// Reps lists the team, by name: this notebook's members (team_members),
// not everyone in the server's group roles, which other teams' notebooks
// on the server share. A superuser is not a rep of the team: left out.
func (s *Store) Reps(ctx context.Context) ([]Rep, error) {
	if err := s.needTeams(); err != nil {
		return nil, err
	}
	if err := s.teamReady(ctx, s.r); err != nil {
		return nil, err
	}
	return queryAll(ctx, s, "team", func(sc scanner) (Rep, error) {
		var r Rep
		err := sc.Scan(&r.Name, &r.Manager)
		return r, err
	}, `SELECT m.role, m.manager FROM team_members m JOIN pg_catalog.pg_roles r ON r.rolname = m.role
		WHERE r.rolcanlogin AND NOT r.rolsuper ORDER BY m.role`)
}

// Assign gives a customer to a rep of the team.
func (s *Store) Assign(ctx context.Context, customerID int64, rep string) error {
	if err := s.needTeams(); err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := s.teamReady(ctx, tx); err != nil {
			return err
		}
		var member bool
		err := tx.QueryRowContext(ctx, `SELECT pg_has_role(r.oid, 'rolo_rep', 'MEMBER') AND NOT r.rolsuper
			AND EXISTS (SELECT 1 FROM team_members m WHERE m.role = r.rolname) FROM pg_catalog.pg_roles r WHERE r.rolname = ?`, rep).Scan(&member)
		if errors.Is(err, sql.ErrNoRows) || err == nil && !member {
			return Errorf(KindNotFound, "no rep named %q in the team", rep)
		}
		if err != nil {
			return s.wrap("assign", err)
		}
		res, err := tx.ExecContext(ctx, `UPDATE customers SET owner = ?, updated_at = ? WHERE id = ?`, rep, s.stamp(), customerID)
		if err != nil {
			return s.wrap("assign", err)
		}
		if err := expectOne(res, "customer", customerID); err != nil {
			return err
		}
		// Two reps' customers changed: the rankings they kept are stale.
		return s.bumpVersion(ctx, tx, purchasesVersion)
	})
}

// Share shows a customer, and everything recorded about them, to the
// whole team (or stops showing it).
func (s *Store) Share(ctx context.Context, customerID int64, shared bool) error {
	if err := s.needTeams(); err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE customers SET shared = ?, updated_at = ? WHERE id = ?`, shared, s.stamp(), customerID)
		if err != nil {
			return s.wrap("share", err)
		}
		if err := expectOne(res, "customer", customerID); err != nil {
			return err
		}
		// The team's other reps see one customer more or less.
		return s.bumpVersion(ctx, tx, purchasesVersion)
	})
}

// Owner is the rep who owns a customer.
func (s *Store) Owner(ctx context.Context, customerID int64) (string, error) {
	if err := s.needTeams(); err != nil {
		return "", err
	}
	var owner string
	err := s.r.QueryRowContext(ctx, `SELECT owner FROM customers WHERE id = ?`, customerID).Scan(&owner)
	if errors.Is(err, sql.ErrNoRows) {
		return "", Errorf(KindNotFound, "no customer with id %d", customerID)
	}
	return owner, s.wrap("read owner", err)
}

// SeesPart says whether this connection sees only some of the notebook's
// rows: a rep of a team (not a manager, not the owner). An id may then be
// taken by a row it does not see.
func (s *Store) SeesPart(ctx context.Context) bool {
	if !s.pg {
		return false
	}
	var part bool
	err := s.r.QueryRowContext(ctx, `SELECT CASE WHEN row_security_active('customers') THEN NOT rolo_is_manager() ELSE false END`).Scan(&part)
	return err == nil && part
}

// Me is who this connection is in the team: the rep and whether a manager.
func (s *Store) Me(ctx context.Context) (Rep, error) {
	if err := s.needTeams(); err != nil {
		return Rep{}, err
	}
	if err := s.teamReady(ctx, s.r); err != nil {
		return Rep{}, err
	}
	// Who owns the tables, and superusers, see everything as managers do.
	var r Rep
	err := s.r.QueryRowContext(ctx, `SELECT CAST(current_user AS text), rolo_is_manager()
		OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = current_user AND rolsuper)
		OR EXISTS (SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = 'customers'
			AND tableowner = current_user)`).Scan(&r.Name, &r.Manager)
	return r, s.wrap("team", err)
}

// Owners is the owner of every customer this connection sees, by id.
func (s *Store) Owners(ctx context.Context) (map[int64]string, error) {
	if err := s.needTeams(); err != nil {
		return nil, err
	}
	out := map[int64]string{}
	err := s.eachRow(ctx, "owners", `SELECT id, owner FROM customers`, nil, func(v []driver.Value) error {
		out[vInt(v[0])] = vStr(v[1])
		return nil
	})
	return out, err
}
