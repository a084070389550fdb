package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// The state table holds what rolo keeps for itself, apart from the user's
// settings: the fitted lifetime-value model, the fingerprint of the tiers
// last recorded, change counters.

// purchasesVersion counts the transactions that changed purchases or which
// customers count (archive, restore, delete): a saved lifetime-value model
// is reused only while it is unchanged.
const purchasesVersion = "purchases.version"

// stateKey is where a kept value is kept. A manager looking at one rep's
// customers (Options.Rep) keeps apart what describes them, so that it never
// stands for the whole team, nor the other way round.
func (s *Store) stateKey(key string) string {
	if s.rep != "" {
		return key + "@" + s.rep
	}
	return key
}

// versionSQL is a subquery giving the purchases' change counter: on a
// team's notebook one sequence for everyone (migrations_pg/0002), since the
// state table is per rep and others' writes change what a rep sees.
func (s *Store) versionSQL() string {
	if s.pg {
		// A sequence never moved stands at 1 as it does after its first
		// move: is_called tells them apart.
		return `(SELECT CAST(CASE WHEN is_called THEN last_value ELSE 0 END AS text) FROM changes)`
	}
	return `(SELECT value FROM state WHERE key = '` + purchasesVersion + `')`
}

// stateOwn narrows a read of the state table to the connection's own
// rows. On PostgreSQL the table is per rep (migrations_pg/0001), and its
// policy shows each rep their own; but no policy binds a superuser, often
// the tables' owner on a small team's server, who then read every rep's
// kept values, and a report reading one of them failed ("more than one row
// returned by a subquery") once a rep had kept theirs.
func (s *Store) stateOwn() string {
	if s.pg {
		return ` AND rep = current_user`
	}
	return ""
}

func (s *Store) state(ctx context.Context, q queryer, key string) (string, bool, error) {
	var v sql.NullString // the version is a subquery: NULL, not no row, when a notebook has none yet
	query, args := `SELECT value FROM state WHERE key = ?`+s.stateOwn(), []any{s.stateKey(key)}
	if key == purchasesVersion {
		query, args = `SELECT `+s.versionSQL(), nil
	}
	err := q.QueryRowContext(ctx, query, args...).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return v.String, err == nil && v.Valid, s.wrap("read state", err)
}

func (s *Store) setState(ctx context.Context, tx execer, key, value string) error {
	q := `INSERT INTO state(key, value) VALUES (?, ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value`
	if s.pg {
		q = pgSetStateSQL
	}
	_, err := tx.ExecContext(ctx, q, s.stateKey(key), value)
	return s.wrap("save state", err)
}

// bumpVersion adds one to a change counter inside a write transaction.
func (s *Store) bumpVersion(ctx context.Context, tx execer, key string) error {
	q := `INSERT INTO state(key, value) VALUES (?, '1')
		ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)`
	args := []any{s.stateKey(key)}
	switch {
	case s.pg && key == purchasesVersion:
		// The lock first (held until the write ends), then the number:
		// see settledVersionPG.
		q, args = `SELECT pg_advisory_xact_lock_shared(1919905652, `+pgMarkingKey+`), nextval('changes')`, nil
	case s.pg:
		q = pgBumpStateSQL
	}
	_, err := tx.ExecContext(ctx, q, args...)
	return s.wrap("save state", err)
}

// PurchasesVersion is the change counter of the purchases: equal values
// mean the purchases (and the customers counted) did not change between.
// Read before what is worked out from them: on a team's server once the
// writes under way have ended (settledVersionPG), and -1, equal to
// nothing, when others kept writing.
func (s *Store) PurchasesVersion(ctx context.Context) (int64, error) {
	if s.pg {
		v, settled := s.settledVersionPG(ctx)
		if !settled {
			return -1, ctx.Err()
		}
		n, _ := strconv.ParseInt(v, 10, 64)
		return n, nil
	}
	v, _, err := s.state(ctx, s.r, purchasesVersion)
	if err != nil || v == "" {
		return 0, err
	}
	n, _ := strconv.ParseInt(v, 10, 64)
	return n, nil
}

// SaveState keeps v, as JSON, under key in the notebook's state (a fitted
// model, say): state for rolo itself, apart from the user's settings.
func (s *Store) SaveState(ctx context.Context, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("save %s: %w", key, err)
	}
	return s.withTx(ctx, func(tx *sql.Tx) error { return s.setState(ctx, tx, key, string(b)) })
}

// LoadState reads what SaveState kept under key into v; found is false
// when nothing was kept or what was kept no longer reads (an older format).
func (s *Store) LoadState(ctx context.Context, key string, v any) (found bool, err error) {
	raw, ok, err := s.state(ctx, s.r, key)
	if err != nil || !ok {
		return false, err
	}
	return json.Unmarshal([]byte(raw), v) == nil, nil
}

// DataVersion changes whenever anything is committed to the notebook, by
// this process or another: callers that keep answers (the TUI's tiers)
// know when to compute them again. It asks SQLite's data_version on a
// connection of its own, which counts the commits of every other one.
func (s *Store) DataVersion(ctx context.Context) (int64, error) {
	if s.pg {
		return s.dataVersionPG(ctx)
	}
	s.versionMu.Lock()
	defer s.versionMu.Unlock()
	if s.versionConn == nil {
		conn, err := s.r.Conn(ctx)
		if err != nil {
			return 0, s.wrap("read notebook version", err)
		}
		s.versionConn = conn
	}
	var v int64
	err := s.versionConn.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v)
	return v, s.wrap("read notebook version", err)
}
