package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	sqlite3 "modernc.org/sqlite/lib"
)

// A notebook is a SQLite file or, for a team, a PostgreSQL database: Open
// takes a postgres:// or postgresql:// address (a libpq URL) for the
// latter and a path for anything else. The engine is chosen here, inside
// the store; callers see one Store type. What differs between the engines
// is kept in per-engine files (*_pg.go) and chosen by s.pg.

// IsPostgres says whether dsn names a PostgreSQL notebook rather than a file.
func IsPostgres(dsn string) bool {
	l := strings.ToLower(dsn)
	return strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://")
}

// pgMaxConns bounds the connections one rolo process opens: a command
// runs a few reads at once (parallel) and one write.
const pgMaxConns = 6

// openPG opens the PostgreSQL notebook at dsn, creating its schema when
// create is set and the database holds no tables, and migrating an older one.
func openPG(ctx context.Context, dsn string, opts Options, create bool) (*Store, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, Errorf(KindInvalid, "%s is not a PostgreSQL address rolo can read (%v); write it as postgres://USER@HOST:PORT/DATABASE", redactDSN(dsn), pgParseReason(err))
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 10 * time.Second
	}
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	if cfg.RuntimeParams["application_name"] == "" {
		cfg.RuntimeParams["application_name"] = "rolo"
	}
	// Days read as text (CAST(date AS TEXT)) are ISO whatever the server's default.
	cfg.RuntimeParams["datestyle"] = "ISO, YMD"
	// rolo's reads are short: compiling a plan to machine code (PostgreSQL
	// does it for plans it costs high, such as a scan of every customer)
	// took longer than the reads, a third of a second at 100,000 customers.
	if _, set := cfg.RuntimeParams["jit"]; !set {
		cfg.RuntimeParams["jit"] = "off"
	}
	if opts.Rep != "" {
		if err := checkRepName(opts.Rep); err != nil {
			return nil, err
		}
		cfg.RuntimeParams["rolo.rep"] = opts.Rep // read by the policy customers_one_rep (team_pg.go)
	}
	db := sql.OpenDB(newPGConnector(cfg))
	db.SetMaxOpenConns(pgMaxConns)
	db.SetMaxIdleConns(pgMaxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	s := &Store{path: pgName(cfg), w: db, r: db, pg: true, rep: opts.Rep, pgCfg: cfg, pgDSN: dsn, now: opts.Now, temps: opts.Temps, started: opts.Started, onBusy: opts.OnBusy}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, s.wrap("open", err)
	}
	s.opened = true
	if err := s.migratePG(ctx, create, opts.NoMigrate); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.openAsMember(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// openAsMember reads the notebook's currency and, in the same statement,
// whether the connection's role may use it: on a team's notebook a role
// that the policies apply to must be in this notebook's team. A member of
// the group roles through another team's notebook on the same server
// would otherwise see an empty notebook (or, before schema 9, this team's
// customers).
func (s *Store) openAsMember(ctx context.Context) error {
	var code string
	var outside bool
	err := s.r.QueryRowContext(ctx, `SELECT coalesce((SELECT value FROM settings WHERE key = 'currency'), 'CNY'),
		row_security_active('customers') AND NOT EXISTS (SELECT 1 FROM team_members WHERE role = current_user),
		row_security_active('customers')`).Scan(&code, &outside, &s.policed)
	if err != nil {
		return s.wrap("read settings", err)
	}
	if outside {
		return Errorf(KindNotPermitted, "%s: %s is not in this notebook's team (taken out of it, or a rep of another team on the same server); "+
			"the owner of its tables adds you with `rolo team add %s`", s.path, s.pgCfg.User, s.pgCfg.User)
	}
	return s.setCurrency(code)
}

// pgName names a PostgreSQL notebook in messages: user, server and
// database, never a password.
func pgName(cfg *pgx.ConnConfig) string {
	host := cfg.Host
	if strings.HasPrefix(host, "/") {
		host = "socket " + host
	} else {
		host = net.JoinHostPort(host, fmt.Sprint(cfg.Port))
	}
	return fmt.Sprintf("PostgreSQL database %q on %s (as %s)", cfg.Database, host, cfg.User)
}

// RedactAddress is a PostgreSQL address with its password hidden, to show.
func RedactAddress(dsn string) string { return redactDSN(dsn) }

// redactDSN hides the password of an address.
func redactDSN(dsn string) string {
	scheme, rest, ok := strings.Cut(dsn, "://")
	if !ok {
		return "the address"
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return dsn
	}
	userinfo := rest[:at]
	if user, _, hasPw := strings.Cut(userinfo, ":"); hasPw {
		return scheme + "://" + user + ":***" + rest[at:]
	}
	return dsn
}

// pgParseReason is why pgx could not read an address, without the
// address itself (which may hold a password).
func pgParseReason(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	return msg
}

// Retrying a write transaction: serialization failures (40001) and
// deadlocks (40P01) mean another transaction won a race; the whole
// transaction function runs again, so the same code is safe on
// CockroachDB, which reports many conflicts that way.
const (
	pgMaxAttempts = 100
	pgMaxBackoff  = 500 * time.Millisecond
)

// withTxPG runs fn in one SERIALIZABLE transaction, as SQLite's one
// writer does, retrying it whole on a serialization failure. fn must
// only write through tx (it may run several times).
func (s *Store) withTxPG(ctx context.Context, fn func(tx *sql.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := s.txOncePG(ctx, fn)
		if err == nil || !pgRetryable(err) || attempt == pgMaxAttempts || ctx.Err() != nil {
			return err
		}
		backoff := min(time.Duration(attempt*attempt)*time.Millisecond, pgMaxBackoff)
		t := time.NewTimer(backoff/2 + rand.N(backoff/2+1))
		select {
		case <-ctx.Done():
			t.Stop()
			return s.wrap("write", ctx.Err())
		case <-t.C:
		}
	}
}

func (s *Store) txOncePG(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
	if err != nil {
		return s.wrap("begin", err)
	}
	return s.endTx(tx, fn(tx))
}

// pgCode is the SQLSTATE of a PostgreSQL error in err's chain, "" if none.
func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

func pgRetryable(err error) bool {
	switch pgCode(err) {
	case "40001", "40P01":
		return true
	}
	return false
}

// pgConstraintCode is the SQLite extended result code that means what a
// PostgreSQL constraint violation in err means, 0 for anything else: the
// store's checks of constraint errors are written once, against SQLite's
// codes.
func pgConstraintCode(err error) int {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return 0
	}
	switch pe.Code {
	case "23505":
		if strings.HasSuffix(pe.ConstraintName, "_pkey") {
			return sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
		}
		return sqlite3.SQLITE_CONSTRAINT_UNIQUE
	case "23503":
		return sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	case "23514":
		return sqlite3.SQLITE_CONSTRAINT_CHECK
	case "23502":
		return sqlite3.SQLITE_CONSTRAINT_NOTNULL
	}
	return 0
}

// pgKind is the kind of a PostgreSQL or connection error, KindOther when
// it has no plainer meaning.
func pgKind(err error) Kind {
	kind, _ := pgDescribe(err, "the notebook")
	return kind
}

// pgDescribe says what a PostgreSQL or connection error means for the
// notebook named name.
// teamRule is the rule of a team's notebook that a refusal the server
// gave (with message msg) most likely comes from.
func teamRule(msg string) string {
	switch {
	case strings.Contains(msg, "row-level security"), strings.Contains(msg, "row level security"):
		return "a rep changes only their own customers and those shared with the team"
	case strings.Contains(msg, "role"):
		return "only the owner of the notebook's tables adds reps: rolo team add, connected as that owner"
	}
	return "a rep changes only their own and shared customers; a manager also assigns customers and changes the settings"
}

func pgDescribe(err error, name string) (Kind, string) {
	if err == nil {
		return KindOther, ""
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "40001" || pe.Code == "40P01":
			return KindBusy, fmt.Sprintf("other writers kept changing %s at the same time; nothing was changed, try again", name)
		case pe.Code == "28P01" || pe.Code == "28000":
			return KindUnavailable, fmt.Sprintf("the server refused the login to %s: %s; check the user name and the password (in ~/.pgpass or PGPASSWORD); nothing was changed", name, pe.Message)
		case pe.Code == "3D000":
			return KindNoNotebook, fmt.Sprintf("%s does not exist on the server (%s); create the database first (createdb, or CREATE DATABASE), then rolo init", name, pe.Message)
		case pe.Code == "42501":
			return KindNotPermitted, fmt.Sprintf("not allowed on %s: %s (%s)", name, pe.Message, teamRule(pe.Message))
		case pe.Code == "25006":
			return KindReadOnly, fmt.Sprintf("%s is read-only (%s)", name, pe.Message)
		case pe.Code == "22021" && strings.Contains(pe.Message, "0x00"), pe.Code == "22P05" && strings.Contains(pe.Detail, `\u0000`):
			// SQLite keeps a NUL character in text; PostgreSQL's text cannot hold one.
			return KindInvalid, fmt.Sprintf("the text holds a NUL character (\\x00), which PostgreSQL cannot store; remove it where it came from (rolo edit) and try again; nothing was changed in %s", name)
		case pe.Code == "53100":
			return KindDiskFull, fmt.Sprintf("the server of %s has no space left; nothing was changed", name)
		case strings.HasPrefix(pe.Code, "08"), strings.HasPrefix(pe.Code, "57P"), pe.Code == "53300":
			return KindUnavailable, fmt.Sprintf("lost the connection to %s (%s); nothing of the unfinished change was kept", name, pe.Message)
		}
		return KindOther, ""
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return KindUnavailable, fmt.Sprintf("cannot reach %s: %s; is the server running and the address right? Nothing was changed", name, pgConnectReason(ce))
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, net.ErrClosed) || pgconn.SafeToRetry(err) || isConnClosed(err) {
		return KindUnavailable, fmt.Sprintf("lost the connection to %s; nothing of the unfinished change was kept", name)
	}
	return KindOther, ""
}

func isConnClosed(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "conn closed") || strings.Contains(msg, "unexpected EOF") || errors.Is(err, sql.ErrConnDone)
}

// pgConnectReason is the last cause of a failed connection (refused,
// timed out, no such host) without the address, which may hold a password.
func pgConnectReason(ce *pgconn.ConnectError) string {
	err := errors.Unwrap(ce)
	if err == nil {
		return "no answer"
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Message
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	return msg
}

// wrapPG turns a PostgreSQL error into a store error; ok is false when it
// has no plainer meaning.
func (s *Store) wrapPG(op string, err error) (error, bool) {
	if code := pgConstraintCode(err); code != 0 {
		return &Error{KindConflict, fmt.Sprintf("%s: %s", op, constraintText(code)), err}, true
	}
	if kind, msg := pgDescribe(err, s.path); kind != KindOther {
		return &Error{kind, op + ": " + msg, err}, true
	}
	return nil, false
}

// notOnPG refuses what only a notebook file has.
func (s *Store) notOnPG(what, instead string) error {
	if !s.pg {
		return nil
	}
	return Errorf(KindUnsupported, "%s is for a notebook file; %s is on a PostgreSQL server: %s", what, s.path, instead)
}

// PostgreSQL says whether the notebook is a PostgreSQL database.
func (s *Store) PostgreSQL() bool { return s.pg }

// checkPG is `rolo check` on PostgreSQL: the server keeps its own pages,
// indexes and foreign keys (amcheck and pg_dump check those), so what is
// left to check is rolo's own bookkeeping: the kept purchase totals
// against the purchases, as on SQLite, for the customers the rep sees.
func (s *Store) checkPG(ctx context.Context) (CheckReport, error) {
	rep := CheckReport{Path: s.path, Full: true, Search: "ok", Integrity: []string{}, Damage: []Damage{}, ForeignKeys: []string{}}
	n, err := s.totalsMismatches(ctx, s.r)
	if err != nil {
		return rep, err
	}
	rep.Totals = n
	rep.OK = n == 0
	if note, err := s.ChineseNote(ctx); err != nil {
		return rep, err
	} else if note != "" {
		rep.Notes = append(rep.Notes, note)
	}
	return rep, nil
}

// ChineseNote says, when it is so, that the database's search index
// leaves Chinese characters out: pg_trgm makes words of the letters and
// digits of the database's character classes (LC_CTYPE), and in the C
// locale Chinese characters are neither, so every find of Chinese text
// reads the whole table. "" on SQLite, and on a database that indexes
// them.
func (s *Store) ChineseNote(ctx context.Context) (string, error) {
	if !s.pg {
		return "", nil
	}
	var skipped bool
	var ctype string
	err := s.r.QueryRowContext(ctx, `SELECT cardinality(show_trgm('王')) = 0,
		(SELECT datctype FROM pg_catalog.pg_database WHERE datname = current_database())`).Scan(&skipped, &ctype)
	if err != nil || !skipped {
		return "", s.wrap("check the search index", err)
	}
	return fmt.Sprintf("the database's character classes (LC_CTYPE %s) do not count Chinese characters as letters, so the search index leaves them out "+
		"and every find of Chinese text reads the whole table; a database made with a UTF-8 locale (createdb --locale=C.UTF-8 --template=template0 NAME) indexes them", ctype), nil
}
