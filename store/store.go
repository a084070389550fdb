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
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/rolo-crm/rolo/money"

	"github.com/jackc/pgx/v5"
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

	temps   *Temps    // temporary files of backups, for a command stopped by a signal
	started time.Time // when the process started: older temporary files of rolo's are stale

	opened bool                       // the file is known to be a rolo notebook (or a new one)
	damage atomic.Pointer[damageNote] // what was found damaged; writes are refused while set

	rankedAll atomic.Int64                    // how often every buyer was ranked to keep the tier floors (tests)
	onBusy    func(waited time.Duration) bool // Options.OnBusy

	pg  bool   // a PostgreSQL notebook (engine_pg.go); w and r are then one pool
	rep string // Options.Rep: a manager's view of one rep's customers
	// policed: the team's row-level security applies to the connection's
	// role (a rep's, a manager's; read once, at open).
	policed bool
	pgCfg   *pgx.ConnConfig // how it was reached, for connections as another role (tests, team)
	pgDSN   string          // the address it was opened with (tests open it again)

	keptPGOnce sync.Once // keptAgendaPG asks once
	keptPG     bool      // this connection keeps and reads the kept agenda (PostgreSQL)
}

// Options tune Open.
type Options struct {
	// Create makes a new notebook when none exists at the path.
	Create bool
	// Now is the clock used for created/updated stamps; time.Now when nil.
	Now func() time.Time
	// NoMigrate refuses to open an older notebook instead of migrating it.
	NoMigrate bool
	// Temps records the temporary files the store makes (backups), so a
	// command stopped by a signal can remove them; nil records nothing.
	Temps *Temps
	// Started is when the process started: rolo's temporary files older
	// than this and not locked by a live process are stale, and removed
	// from a folder the store writes a file to. Zero removes none.
	Started time.Time
	// OnBusy is told, each time a write has waited busy_timeout for another
	// writer (a long import), how long it has waited; it returns whether to
	// wait on. Nil waits up to 15 minutes (see busy.go).
	OnBusy func(waited time.Duration) bool
	// Rep, on a PostgreSQL notebook of a team, narrows what a manager sees
	// to the customers of that rep (--rep); "" shows all they may see.
	Rep string
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

// Page cache sizes (negative: KiB) of read connections, and of one while it
// scans whole tables (scanConn).
const (
	readCache = "-8192"
	scanCache = "-2048"
)

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
		// SQLite checks the cells of every page it reads, so more damage
		// is noticed by the command that reads it (and nothing written).
		"_pragma=cell_size_check(1)",
		"_txlock=immediate",
	}
	switch mode {
	case connRead:
		// Reads map the file instead of copying pages into a cache: a cold
		// look-up touches a few scattered pages, which read() made cost
		// several times the query. A read connection never writes, so an
		// I/O fault on the map cannot lose data. (Whole-table scans turn
		// the map off: see scanConn.)
		q = append(q, "_pragma=query_only(1)", "_pragma=mmap_size("+mmapSize+")", "_pragma=cache_size("+readCache+")")
	case connCheck:
		q = append(q, "_pragma=query_only(1)", "_pragma=cache_size(-2048)")
	default:
		q = append(q, "_pragma=cache_size(-65536)") // 64 MiB: big imports stay in memory until commit
	}
	return u.String() + "?" + strings.Join(q, "&")
}

// Open opens the notebook at path, creating it when opts.Create is set, and
// brings its schema up to date. Only a regular file is a notebook: a
// folder, a pipe, a device or an empty file is refused untouched, so a
// mistyped --db never becomes a new notebook.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if IsPostgres(path) {
		return openPG(ctx, path, opts, opts.Create)
	}
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) && opts.Create {
		if err := Create(ctx, path, opts, nil); err != nil && !errors.Is(err, ErrExists) {
			return nil, err
		}
		fi, err = os.Stat(path)
	}
	if err := notebookFile(path, fi, err); err != nil {
		return nil, err
	}
	return open(ctx, path, opts, false)
}

// notebookFile checks that what Stat found at path can be a notebook.
func notebookFile(path string, fi fs.FileInfo, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
		return Errorf(KindNoNotebook, "no notebook at %s", path)
	case err != nil:
		return fmt.Errorf("open notebook %s: %w", path, mapOSErr(err))
	case fi.IsDir():
		return Errorf(KindNotNotebook, "%s is a folder, not a notebook file", path)
	case !fi.Mode().IsRegular():
		return Errorf(KindNotNotebook, "%s is %s, not a notebook file", path, fileKind(fi.Mode()))
	case fi.Size() == 0:
		// SQLite takes an empty file for a new database and would make it
		// one. Only a notebook created and never checkpointed has all of
		// itself in its -wal.
		if wi, err := os.Stat(path + "-wal"); err == nil && wi.Size() > 0 {
			return nil
		}
		return Errorf(KindNotNotebook, "%s is an empty file, not a notebook", path)
	}
	return nil
}

func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	}
	return "not a regular file"
}

// open opens the notebook file at path; created says it is a new, empty
// file to make a notebook of.
func open(ctx context.Context, path string, opts Options, created bool) (*Store, error) {
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
	s := &Store{path: path, w: w, r: r, now: opts.Now, temps: opts.Temps, started: opts.Started, onBusy: opts.OnBusy}
	if err := s.init(ctx, created, opts.NoMigrate); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Create makes a new notebook at path, which must not exist, and fill (when
// not nil) adds to it. The notebook is built aside, in a private (0600)
// temporary file in the same folder (made 0700 if it is new), and takes
// its name only when complete: a killed `init` or `demo` leaves no empty,
// half-filled or old-schema notebook, and a file that appeared at path
// meanwhile is never replaced.
func Create(ctx context.Context, path string, opts Options, fill func(s *Store) error) error {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if IsPostgres(path) {
		return createPG(ctx, path, opts, fill)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create notebook folder %s: %w", dir, mapOSErr(err))
	}
	if _, err := os.Lstat(path); err == nil {
		return Errorf(KindExists, "%s already exists", path)
	}
	if !opts.Started.IsZero() {
		CleanTemps(dir, opts.Started)
	}
	tmp, err := createTemp(dir, "new", opts.Temps)
	if err != nil {
		return fmt.Errorf("create notebook %s: %w", path, mapOSErr(err))
	}
	defer tmp.Discard()
	s, err := open(ctx, tmp.path, opts, true)
	if err != nil {
		return err
	}
	s.path = path // messages name the notebook, not the temporary file
	if fill != nil {
		err = fill(s)
	}
	if err == nil {
		// Everything into the file itself: only the file is moved.
		_, err = s.w.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
		err = s.wrap("create", err)
	}
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if wi, err := os.Stat(tmp.path + "-wal"); err == nil && wi.Size() > 0 {
		return fmt.Errorf("create notebook %s: SQLite kept %d bytes in its log", path, wi.Size())
	}
	if err := ctx.Err(); err != nil {
		return &Error{KindOther, fmt.Sprintf("stopped before %s was created; nothing was written", path), err}
	}
	if err := tmp.f.Sync(); err != nil {
		return writeErr(path, err, false)
	}
	if err := linkIntoPlace(tmp.path, path); err != nil {
		return writeErr(path, err, false)
	}
	tmp.done()
	syncDir(dir)
	return nil
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
	// Before SQLite reads it: a file cut short may have lost the pages
	// that tell SQLite what is in it.
	if err := s.headerCheck(); err != nil {
		return err
	}
	if created {
		if _, err := s.w.ExecContext(ctx, "PRAGMA journal_mode=WAL"); err != nil {
			return s.wrap("open", err)
		}
	}
	// A read connection does the checks: a command that only reads never
	// opens the writer (a few milliseconds of every look-up).
	// The checks are short reads (see short); migrating keeps ctx.
	if err := ctx.Err(); err != nil {
		return s.wrap("open", err)
	}
	mctx, ctx := ctx, short(ctx)
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
	s.opened = true
	if !created {
		if n, ok := readDamageNote(s.path); ok {
			s.damage.Store(&n)
		}
		if err := s.openCheck(ctx, conn); err != nil {
			return err
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
	if err := s.migrate(mctx, version, noMigrate); err != nil {
		return err
	}
	return s.loadCurrency(ctx, s.r)
}

// Small notebooks are checked, table by table, each time they are opened:
// with SQLite's integrity_check up to integrityCheckPages (4 KiB pages:
// 384 KiB, about 90 customers with their history), which also compares
// each index entry with its row; with its quick_check up to
// quickCheckPages (640 KiB, about 150 customers). Measured here: 2–3 ms
// for integrity_check at 80–100 pages, 1–2.5 ms for quick_check at
// 80–160; both grow with the rows (quick_check takes 5–9 s for the whole
// file at a million purchases), so larger notebooks rely on their header
// being sane (20–70 µs at any size) and on SQLite noticing damage in the
// pages a command reads (cell_size_check).
const (
	integrityCheckPages = 96
	quickCheckPages     = 160
)

// openCheck refuses a small notebook whose tables or indexes fail SQLite's
// check, before anything is written to it (see also headerCheck).
func (s *Store) openCheck(ctx context.Context, conn *sql.Conn) error {
	var pages int
	if err := conn.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		return s.wrap("open", err)
	}
	check := "quick_check"
	switch {
	case pages <= integrityCheckPages:
		check = "integrity_check"
	case pages > quickCheckPages:
		return nil
	}
	// Table by table: the whole-file check also checks the search index
	// against its texts, ten times the cost of the rest here.
	var tables []string
	rows, err := conn.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'`)
	if err != nil {
		return s.wrap("open", err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return s.wrap("open", err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return s.wrap("open", err)
	}
	for _, t := range tables {
		var res string
		if err := conn.QueryRowContext(ctx, `SELECT * FROM pragma_`+check+`(?)`, t).Scan(&res); err != nil {
			return s.wrap("open", err)
		}
		if res != "ok" {
			noteDamage(s.path, check, "table "+t+": "+firstFinding(res), s.now())
			return Errorf(KindDamaged, "%s is damaged (table %s: %s); nothing was changed", s.path, t, firstFinding(res))
		}
	}
	return nil
}

// firstFinding is the first finding in a result of quick_check.
func firstFinding(res string) string {
	for _, line := range strings.Split(res, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "*** in database") {
			return line
		}
	}
	return res
}

// headerCheck compares the notebook's size with the size its header
// gives: a file cut short (a failed copy, a full disk) has lost pages.
func (s *Store) headerCheck() error {
	f, err := os.Open(s.path)
	if err != nil {
		return nil // SQLite says what is wrong
	}
	defer f.Close()
	var h [100]byte
	if _, err := io.ReadFull(f, h[:]); err != nil {
		return nil
	}
	fi, err := f.Stat()
	if err != nil || string(h[:16]) != "SQLite format 3\x00" {
		return nil
	}
	pageSize := int64(binary.BigEndian.Uint16(h[16:18]))
	if pageSize == 1 {
		pageSize = 65536
	}
	counter, pages, validFor := binary.BigEndian.Uint32(h[24:28]), int64(binary.BigEndian.Uint32(h[28:32])), binary.BigEndian.Uint32(h[92:96])
	if counter != validFor || pages == 0 {
		return nil // an old header: SQLite goes by the file's size
	}
	if wi, err := os.Stat(s.path + "-wal"); err == nil && wi.Size() > 0 {
		return nil // pages may still be in the log
	}
	if have := fi.Size() / pageSize; have < pages {
		if binary.BigEndian.Uint32(h[68:72]) == ApplicationID {
			noteDamage(s.path, "reading", fmt.Sprintf("the file is cut short: %d of %d pages", have, pages), s.now())
		}
		return Errorf(KindDamaged, "%s is damaged: it has %d of the %d pages its header gives (the rest is missing); nothing was changed", s.path, have, pages)
	}
	return nil
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
	if s.w == s.r {
		return err1
	}
	err2 := s.w.Close()
	return errors.Join(err1, err2)
}

// withTx runs fn in one BEGIN IMMEDIATE transaction, committing when fn
// returns nil and rolling back otherwise.
func (s *Store) withTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if s.pg {
		return s.withTxPG(ctx, fn)
	}
	tx, err := s.begin(ctx, s.w)
	if err != nil {
		return err
	}
	return s.endTx(tx, fn(tx))
}

// endTx commits tx when err is nil and rolls it back otherwise (or when
// the commit fails), returning what went wrong.
func (s *Store) endTx(tx *sql.Tx, err error) error {
	if err != nil {
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
	if s.pg {
		if e, ok := s.wrapPG(op, err); ok {
			return e
		}
	} else if code := sqliteCode(err); code != 0 {
		if code&0xff == sqlite3.SQLITE_CONSTRAINT {
			return &Error{KindConflict, fmt.Sprintf("%s: %s", op, constraintText(code)), err}
		}
		if kind, msg := describeCode(code, s.path); kind != KindOther {
			if code&0xff == sqlite3.SQLITE_CORRUPT && s.opened {
				// Known from now on, whatever the next command reads.
				n := noteDamage(s.path, "reading", sqliteMessage(err), s.now())
				s.damage.Store(&n)
			}
			return &Error{kind, op + ": " + msg, err}
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
	return pgConstraintCode(err)
}

func (s *Store) stamp() string { return s.now().UTC().Format(time.RFC3339) }

// short is ctx for a statement that reads a few rows, without its
// cancellation: such a read is let finish, and the command stops at its
// next step that watches ctx. Given a context that can end (every
// command's can, for signals), the driver starts a goroutine to watch it
// for each statement: a look-up's thirty statements woke a thread and put
// it to sleep again thirty times. Whole-table reads keep the watch
// (eachRow), as do writes.
func short(ctx context.Context) context.Context { return context.WithoutCancel(ctx) }

// queryAll runs q on the read handle and scans every row with scan: a
// short read (see short).
func queryAll[T any](ctx context.Context, s *Store, op string, scan func(scanner) (T, error), q string, args ...any) ([]T, error) {
	if err := ctx.Err(); err != nil {
		return nil, s.wrap(op, err)
	}
	rows, err := s.r.QueryContext(short(ctx), q, args...)
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

// insertRows writes rows with multi-row INSERTs: head is "INSERT INTO
// t(a, b, c)", args the rows' values one after the other, width values a
// row. On a team's server each statement is a round trip: a row at a
// time, 100,000 rows took ten seconds.
func insertRows(ctx context.Context, tx *sql.Tx, head string, width int, args []any) error {
	// As many rows a statement as make 30,000 values, under either engine's
	// limit of parameters (SQLite's 32,766; PostgreSQL's 65,535).
	batch := max(1, 30000/width)
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", width), ",") + "),"
	for len(args) > 0 {
		part := args[:min(batch*width, len(args))]
		args = args[len(part):]
		q := head + " VALUES " + strings.TrimSuffix(strings.Repeat(row, len(part)/width), ",")
		if _, err := tx.ExecContext(ctx, q, part...); err != nil {
			return err
		}
	}
	return nil
}
