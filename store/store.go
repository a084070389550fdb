// Package store is the rolo notebook: one SQLite file holding customers,
// purchases, contacts, follow-ups, surveys, tier history and settings.
//
// Every SQL statement of rolo lives in this package. It never renders
// anything for a terminal and never imports tui or cmd.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rolo-crm/rolo/money"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ApplicationID marks a SQLite file as a rolo notebook ("rolo" in ASCII).
const ApplicationID = 0x726f6c6f

// Store is an open notebook. It is safe for concurrent use.
type Store struct {
	path string
	w    *sql.DB // writes: one connection, BEGIN IMMEDIATE
	r    *sql.DB // reads: several connections, query_only
	now  func() time.Time

	short shortIndex // for one- and two-character searches

	mu       sync.Mutex
	currency money.Currency

	versionMu   sync.Mutex
	versionConn *sql.Conn // for DataVersion

	rankedAll atomic.Int64                    // how often every buyer was ranked to keep the tier floors (tests)
	onBusy    func(waited time.Duration) bool // Options.OnBusy
}

// Options tune Open.
type Options struct {
	// Create makes a new notebook when none exists at the path.
	Create bool
	// Now is the clock used for created/updated stamps; time.Now when nil.
	Now func() time.Time
	// NoMigrate refuses to open an older notebook instead of migrating it.
	NoMigrate bool
	// OnBusy is told, each time a write has waited busy_timeout for another
	// writer (a long import), how long it has waited; it returns whether to
	// wait on. Nil waits up to 15 minutes (see busy.go).
	OnBusy func(waited time.Duration) bool
}

// DefaultPath is where the notebook lives unless --db or ROLO_DB say otherwise.
func DefaultPath(getenv func(string) string) (string, error) {
	if p := getenv("ROLO_DB"); p != "" {
		return p, nil
	}
	base := getenv("XDG_DATA_HOME")
	if base == "" {
		home := getenv("HOME")
		if home == "" {
			h, err := os.UserHomeDir()
			if err != nil {
				return "", fmt.Errorf("cannot find a home folder for the notebook: %w; set ROLO_DB or use --db", err)
			}
			home = h
		}
		base = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(base, "rolo", "notebook.db"), nil
}

// mmapSize is how much of the notebook read connections map (1 GiB).
const mmapSize = "1073741824"

// connMode is what a connection is for.
type connMode int

const (
	connWrite connMode = iota // the one writer
	connRead                  // look-ups and reports
	connCheck                 // reading a whole file once (checking a backup)
)

func dsn(path string, mode connMode) string {
	u := url.URL{Scheme: "file", OmitHost: true, Path: path}
	if !filepath.IsAbs(path) {
		// A relative path must not gain a leading slash.
		u = url.URL{Scheme: "file", Opaque: (&url.URL{Path: path}).EscapedPath()}
	}
	q := []string{
		"mode=rw",
		"_pragma=busy_timeout(10000)",
		"_pragma=foreign_keys(1)",
		"_pragma=synchronous(NORMAL)",
		"_pragma=secure_delete(1)",
		"_txlock=immediate",
	}
	switch mode {
	case connRead:
		// Reads map the file instead of copying pages into a cache: a cold
		// look-up touches a few scattered pages, which read() made cost
		// several times the query. A read connection never writes, so an
		// I/O fault on the map cannot lose data. (Whole-table scans turn
		// the map off: see scanConn.)
		q = append(q, "_pragma=query_only(1)", "_pragma=mmap_size("+mmapSize+")", "_pragma=cache_size(-8192)")
	case connCheck:
		q = append(q, "_pragma=query_only(1)", "_pragma=cache_size(-2048)")
	default:
		q = append(q, "_pragma=cache_size(-65536)") // 64 MiB: big imports stay in memory until commit
	}
	return u.String() + "?" + strings.Join(q, "&")
}

// Open opens the notebook at path, creating it when opts.Create is set, and
// brings its schema up to date.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	created := false
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if !opts.Create {
			return nil, Errorf(KindNoNotebook, "no notebook at %s", path)
		}
		if err := createFile(path); err != nil {
			return nil, err
		}
		created = true
	} else if err != nil {
		return nil, fmt.Errorf("open notebook %s: %w", path, err)
	}

	w, err := sql.Open("sqlite", dsn(path, connWrite))
	if err != nil {
		return nil, fmt.Errorf("open notebook %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	r, err := sql.Open("sqlite", dsn(path, connRead))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open notebook %s: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	s := &Store{path: path, w: w, r: r, now: opts.Now, onBusy: opts.OnBusy}
	if err := s.init(ctx, created, opts.NoMigrate); err != nil {
		s.Close()
		if created {
			os.Remove(path)
			os.Remove(path + "-wal")
			os.Remove(path + "-shm")
		}
		return nil, err
	}
	return s, nil
}

// createFile makes an empty notebook file with mode 0600 in a 0700 folder, so
// that SQLite gives its -wal and -shm files the same private mode.
func createFile(path string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create notebook folder %s: %w", dir, mapOSErr(err))
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("create notebook %s: %w", path, mapOSErr(err))
	}
	return f.Close()
}

func mapOSErr(err error) error {
	switch {
	case errors.Is(err, fs.ErrPermission):
		return &Error{Kind: KindNotPermitted, Msg: err.Error(), Err: err}
	case errors.Is(err, fs.ErrExist):
		return &Error{Kind: KindExists, Msg: err.Error(), Err: err}
	}
	return err
}

func (s *Store) init(ctx context.Context, created, noMigrate bool) error {
	if created {
		if _, err := s.w.ExecContext(ctx, "PRAGMA journal_mode=WAL"); err != nil {
			return s.wrap("open", err)
		}
	}
	// A read connection does the checks: a command that only reads never
	// opens the writer (a few milliseconds of every look-up).
	conn, err := s.r.Conn(ctx)
	if err != nil {
		return s.wrap("open", err)
	}
	defer conn.Close()
	var appID int64
	if err := conn.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return s.wrap("open", err)
	}
	var version int
	if err := conn.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return s.wrap("open", err)
	}
	if appID != ApplicationID {
		var tables int
		if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&tables); err != nil {
			return s.wrap("open", err)
		}
		if appID != 0 || tables > 0 || version != 0 {
			return Errorf(KindNotNotebook, "%s is a SQLite file of another program, not a rolo notebook", s.path)
		}
	}
	var mode string
	if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return s.wrap("open", err)
	}
	if !strings.EqualFold(mode, "wal") { // WAL stays set in the file once set
		if _, err := s.w.ExecContext(ctx, "PRAGMA journal_mode=WAL"); err != nil {
			return s.wrap("open", err)
		}
		// This connection saw the old mode: let the pool drop it.
		conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	conn.Close()
	if err := s.migrate(ctx, version, noMigrate); err != nil {
		return err
	}
	return s.loadCurrency(ctx, s.r)
}

// Path is the notebook file.
func (s *Store) Path() string { return s.path }

// Close releases the notebook.
func (s *Store) Close() error {
	s.short.close()
	s.versionMu.Lock()
	if s.versionConn != nil {
		s.versionConn.Close()
		s.versionConn = nil
	}
	s.versionMu.Unlock()
	err1 := s.r.Close()
	err2 := s.w.Close()
	return errors.Join(err1, err2)
}

// withTx runs fn in one BEGIN IMMEDIATE transaction, committing when fn
// returns nil and rolling back otherwise.
func (s *Store) withTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.begin(ctx, s.w)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		tx.Rollback()
		return s.wrap("commit", err)
	}
	return nil
}

// wrap turns driver errors into store errors with a plain message. The
// kind comes from SQLite's result code, never from the message text.
func (s *Store) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var se *Error
	if errors.As(err, &se) {
		return err // already said
	}
	var le *sqlite.Error
	if errors.As(err, &le) {
		code := le.Code()
		switch code & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return &Error{KindBusy, fmt.Sprintf("%s: another program is writing to %s; try again in a moment", op, s.path), err}
		case sqlite3.SQLITE_FULL:
			return &Error{KindDiskFull, fmt.Sprintf("%s: no space left for %s; free some disk space and try again (nothing was changed)", op, s.path), err}
		case sqlite3.SQLITE_READONLY:
			return &Error{KindReadOnly, fmt.Sprintf("%s: cannot write %s; check the permissions of the file and its folder", op, s.path), err}
		case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_AUTH:
			return &Error{KindNotPermitted, fmt.Sprintf("%s: cannot open %s; check the permissions of the file and its folder", op, s.path), err}
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			return &Error{KindDamaged, fmt.Sprintf("%s: %s is damaged or not a database", op, s.path), err}
		case sqlite3.SQLITE_IOERR:
			if code == sqlite3.SQLITE_IOERR_SHMSIZE || code == sqlite3.SQLITE_IOERR_WRITE || code == sqlite3.SQLITE_IOERR_FSYNC ||
				code == sqlite3.SQLITE_IOERR_SHMMAP || code == sqlite3.SQLITE_IOERR_TRUNCATE {
				return &Error{KindDiskFull, fmt.Sprintf("%s: could not write %s (%v); the disk may be full — free some space and try again", op, s.path, le), err}
			}
		case sqlite3.SQLITE_CONSTRAINT:
			return &Error{KindConflict, fmt.Sprintf("%s: %s", op, constraintText(code)), err}
		}
	}
	if errors.Is(err, context.Canceled) {
		return &Error{KindOther, op + ": stopped", err}
	}
	return &Error{KindOther, fmt.Sprintf("%s: %v", op, err), err}
}

// constraintText says in words which kind of rule a write broke.
func constraintText(code int) string {
	switch code {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return "that would duplicate a record that must be unique"
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return "that refers to a record that does not exist"
	case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		return "a value is out of range or missing"
	}
	return "the change breaks a rule of the notebook"
}

// sqliteCode is err's extended SQLite result code, 0 when it has none.
func sqliteCode(err error) int {
	var le *sqlite.Error
	if errors.As(err, &le) {
		return le.Code()
	}
	return 0
}

func (s *Store) stamp() string { return s.now().UTC().Format(time.RFC3339) }

// queryAll runs q on the read handle and scans every row with scan.
func queryAll[T any](ctx context.Context, s *Store, op string, scan func(scanner) (T, error), q string, args ...any) ([]T, error) {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, s.wrap(op, err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, s.wrap(op, err)
		}
		out = append(out, v)
	}
	return out, s.wrap(op, rows.Err())
}
