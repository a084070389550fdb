package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	sqlite3 "modernc.org/sqlite/lib"
)

// BackupOptions tune BackupTo.
type BackupOptions struct {
	// Force replaces an existing file (keeping its mode), never the
	// notebook itself or its -wal and -shm files.
	Force bool
}

// Backup writes a consistent copy of the notebook to dest, which must not
// exist.
func (s *Store) Backup(ctx context.Context, dest string) error {
	return s.BackupTo(ctx, dest, BackupOptions{})
}

// BackupTo writes a consistent copy of the notebook to dest with VACUUM
// INTO: into a private temporary file next to dest first, checked, synced,
// then moved into place (see WriteFile), so dest is never a partial file
// and a full disk leaves nothing behind. A device or pipe (/dev/stdout)
// gets the checked copy written into it.
func (s *Store) BackupTo(ctx context.Context, dest string, o BackupOptions) error {
	if err := s.notOnPG("a backup", "use pg_dump (or the server's own backups), or rolo export all for a portable copy"); err != nil {
		return err
	}
	wo := WriteOptions{Kind: "backup", Force: o.Force, Notebook: s.path, NeedFile: true, Temps: s.temps, Before: s.started}
	return WriteFile(ctx, dest, wo, func(f *os.File) error {
		// VACUUM INTO needs an empty or missing target; the empty 0600
		// temporary file keeps the copy private.
		if err := s.vacuumInto(ctx, f.Name()); err != nil {
			return s.backupErr(dest, err)
		}
		if err := checkFile(ctx, f.Name()); err != nil {
			return fmt.Errorf("the copy failed its check: %w", err)
		}
		return nil
	})
}

// backupErr names the destination when writing the copy failed: a full
// disk there is not a problem of the notebook.
func (s *Store) backupErr(dest string, err error) error {
	code := sqliteCode(err)
	switch {
	case code&0xff == sqlite3.SQLITE_FULL:
		return &Error{KindDiskFull, fmt.Sprintf("no space left on the disk of %s", dest), err}
	case code == sqlite3.SQLITE_IOERR_WRITE, code == sqlite3.SQLITE_IOERR_FSYNC, code == sqlite3.SQLITE_IOERR_TRUNCATE:
		return &Error{KindDiskFull, fmt.Sprintf("could not write %s; its disk may be full", dest), err}
	case errors.Is(err, context.Canceled):
		return &Error{KindOther, "backup: stopped", err}
	}
	return s.wrap("backup", err)
}

// vacuumInto copies the notebook with a small cache: with the writer's large
// one a copy of a 300 MB notebook took 550 MB of memory.
func (s *Store) vacuumInto(ctx context.Context, path string) error {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return withCache(ctx, conn, 2048, func() error {
		_, err := conn.ExecContext(ctx, `VACUUM INTO ?`, path)
		return err
	})
}

// cacheSetter is a connection or transaction whose page cache can change.
type cacheSetter interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
}

// withCache runs fn with the connection's page cache at kib KiB and puts
// the size back after. SQLite sizes the memory of its sorts (VACUUM INTO,
// CREATE INDEX) by the cache, so the writer's large one doubled their peak.
func withCache(ctx context.Context, c cacheSetter, kib int, fn func() error) error {
	var size int
	if err := c.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&size); err != nil {
		return err
	}
	if _, err := c.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = -%d`, kib)); err != nil {
		return err
	}
	defer c.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA cache_size = %d`, size))
	return fn()
}

func checkFile(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", dsn(path, connCheck))
	if err != nil {
		return err
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&res); err != nil {
		return err
	}
	if res != "ok" {
		return Errorf(KindDamaged, "%s", res)
	}
	return nil
}

// CheckOptions tune CheckFile.
type CheckOptions struct {
	// Full runs SQLite's integrity_check, which also compares every index
	// entry with its row, instead of quick_check (4–5 times as long on a
	// large notebook).
	Full bool
}

// CheckReport is what a check found.
type CheckReport struct {
	Path        string   `json:"path"`
	Full        bool     `json:"full"`
	Integrity   []string `json:"integrity"`    // SQLite's own findings, as it words them
	Damage      []Damage `json:"damage"`       // what they are about
	ForeignKeys []string `json:"foreign_keys"` // rows that point to a missing row
	Search      string   `json:"search"`       // "ok", or what is wrong with the search index
	Totals      int      `json:"totals_mismatched"`
	OK          bool     `json:"ok"`
	Notes       []string `json:"notes,omitempty"` // what is not damage but worth knowing
}

// Damage is one finding of SQLite's check, placed in the notebook: the
// table or index it concerns and the page, where SQLite names them.
type Damage struct {
	// Object is what is damaged, for people: "table purchases",
	// "index purchases_date of table purchases", "the search index",
	// "the list of free pages", "page 173".
	Object string `json:"object"`
	Table  string `json:"table,omitempty"`
	Index  string `json:"index,omitempty"`
	Page   int    `json:"page,omitempty"`
	Detail string `json:"detail"` // SQLite's line
}

// Objects names the distinct damaged objects, each once with its pages,
// for a one-line summary: "index purchases_date of table purchases (pages
// 223, 224, 225)".
func (r CheckReport) Objects() []string {
	var names []string
	pages := map[string][]int{}
	for _, d := range r.Damage {
		o := d.Object
		if _, ok := pages[o]; !ok {
			names = append(names, o)
			pages[o] = nil
		}
		if d.Page > 0 && !strings.Contains(o, "page") && !slices.Contains(pages[o], d.Page) {
			pages[o] = append(pages[o], d.Page)
		}
	}
	var out []string
	for _, o := range names {
		ps := pages[o]
		slices.Sort(ps)
		switch len(ps) {
		case 0:
		case 1:
			o += fmt.Sprintf(" (page %d)", ps[0])
		default:
			s := make([]string, len(ps))
			for i, p := range ps {
				s[i] = strconv.Itoa(p)
			}
			o += " (pages " + strings.Join(s, ", ") + ")"
		}
		out = append(out, o)
	}
	if len(r.ForeignKeys) > 0 {
		out = append(out, fmt.Sprintf("%d rows pointing to missing rows", len(r.ForeignKeys)))
	}
	if r.Totals > 0 {
		out = append(out, fmt.Sprintf("the kept purchase totals of %d customers", r.Totals))
	}
	return out
}

// Check runs the full check of the notebook (see CheckFile).
func (s *Store) Check(ctx context.Context) (CheckReport, error) {
	if s.pg {
		return s.checkPG(ctx)
	}
	rep, err := CheckFile(ctx, s.path, CheckOptions{Full: true})
	if n, ok := readDamageNote(s.path); ok {
		s.damage.Store(&n)
	} else {
		s.damage.Store(nil)
	}
	return rep, err
}

// CheckFile checks the notebook at path without changing it, even when it
// is too damaged to open: SQLite's quick_check (or with Full its
// integrity_check), both of which include the full-text index's own
// check; the foreign keys; and the kept purchase totals against the
// purchases. The checks run side by side on two connections of their own:
// one that had read the notebook before caches the full-text index's
// structure, and after another connection wrote, compared against that
// stale copy and reported a checksum mismatch that was not there.
func CheckFile(ctx context.Context, path string, o CheckOptions) (CheckReport, error) {
	if IsPostgres(path) {
		s, err := Open(ctx, path, Options{NoMigrate: true})
		if err != nil {
			return CheckReport{Path: redactDSN(path)}, err
		}
		defer s.Close()
		return s.checkPG(ctx)
	}
	rep := CheckReport{Path: path, Full: o.Full, Search: "ok", Integrity: []string{}, Damage: []Damage{}, ForeignKeys: []string{}}
	fi, err := os.Stat(path)
	if err := notebookFile(path, fi, err); err != nil {
		return rep, err
	}
	s := &Store{path: path} // for its error wording and queries; no handles
	schemaErr := schemaProblem(ctx, path)
	db, err := sql.Open("sqlite", checkDSN(path))
	if err != nil {
		return rep, s.wrap("check", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(2)
	var appID int64
	var version int
	if err := db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return rep, s.firstPageErr(err)
	}
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return rep, s.firstPageErr(err)
	}
	if appID != ApplicationID {
		return rep, Errorf(KindNotNotebook, "%s is not a rolo notebook", path)
	}
	schema, err := s.readSchema(ctx, db)
	if err != nil {
		err = s.firstPageErr(err)
		if KindOf(err) == KindDamaged {
			noteDamage(path, "reading", "its table of contents", time.Now())
		}
		return rep, err
	}
	c1, err := checkConn(ctx, db, forIntegrity)
	if err != nil {
		return rep, s.wrap("check", err)
	}
	defer c1.Close()
	c2, err := checkConn(ctx, db, forLookups)
	if err != nil {
		return rep, s.wrap("check", err)
	}
	defer c2.Close()
	var integrity []string
	var integrityErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		pragma := "quick_check"
		if o.Full {
			pragma = "integrity_check"
		}
		integrity, integrityErr = s.checkLines(ctx, c1, "PRAGMA "+pragma)
	}()
	// Meanwhile, on the other connection: foreign keys and totals. Damage
	// may stop them; what it is, the integrity check says.
	fks, fkErr := s.foreignKeyProblems(ctx, c2)
	rep.ForeignKeys = append(rep.ForeignKeys, fks...)
	var totalsErr error
	if fkErr == nil && version == SchemaVersion() {
		rep.Totals, totalsErr = s.totalsMismatches(ctx, c2)
	}
	<-done
	if err := firstErr(integrityErr, fkErr, totalsErr); err != nil && KindOf(err) != KindDamaged {
		return rep, s.wrap("check", err)
	}
	if schemaErr != "" {
		rep.Integrity = append(rep.Integrity, schemaErr)
	}
	// A row of the check may hold several findings, one a line.
	for _, row := range integrity {
		for _, line := range strings.Split(row, "\n") {
			if line = strings.TrimSpace(line); line != "" && line != "ok" && !strings.HasPrefix(line, "*** in database") {
				rep.Integrity = append(rep.Integrity, line)
			}
		}
	}
	// The check, or reading the rows for the other checks, may stop at
	// damage the check has not described.
	if len(rep.Integrity) == 0 {
		if err := firstErr(integrityErr, fkErr, totalsErr); err != nil {
			rep.Integrity = append(rep.Integrity, "reading stopped: "+sqliteMessage(err))
		}
	}
	rep.Damage = describeDamage(ctx, c1, schema, rep.Integrity)
	rep.Damage = s.placeUnnamed(ctx, c1, o.Full, schema, rep.Damage)
	for _, d := range rep.Damage {
		if d.Object == "the search index" {
			rep.Search = d.Detail
		}
	}
	rep.OK = len(rep.Integrity) == 0 && len(rep.ForeignKeys) == 0 && rep.Totals == 0
	// Remember SQLite's findings beside the notebook, so that no command
	// writes into it meanwhile; forget them once it passes.
	if len(rep.Integrity) > 0 {
		by := "quick_check"
		if o.Full {
			by = "integrity_check"
		}
		var objs []string
		for _, d := range rep.Damage {
			if !slices.Contains(objs, d.Object) {
				objs = append(objs, d.Object)
			}
		}
		noteDamage(path, by, strings.Join(objs, ", "), time.Now())
	} else {
		clearDamageNote(path, o.Full)
	}
	return rep, nil
}

// checkDSN opens a notebook for checking or rescuing it: read-only, and
// with writable_schema, under which SQLite passes over a damaged entry of
// the table of contents instead of refusing to read anything
// (schemaProblem reports it). No pragma in it may read the table of
// contents before writable_schema is on, and the driver applies them in
// alphabetical order: the page cache is set by checkConn.
func checkDSN(path string) string {
	file, _, _ := strings.Cut(dsn(path, connCheck), "?")
	return file + "?mode=ro&_pragma=busy_timeout(10000)&_pragma=cell_size_check(1)&_pragma=query_only(1)&_pragma=writable_schema(1)"
}

// checkUse is what a connection of checkConn is for.
type checkUse int

const (
	// forRescue reads each table with look-ups: a page cache large enough
	// that the look-ups of 100,000 customers stay in memory (with 2 MiB
	// they took 14 s).
	forRescue checkUse = iota
	// forIntegrity runs SQLite's own check, which reads each page once:
	// a larger cache than 8 MiB made it no faster (64 MiB: 110 MB more
	// memory at a million purchases, the same time).
	forIntegrity
	// forLookups is the foreign-key and totals checks. They read the file
	// through a memory map: the totals check looks up a million purchases
	// in index order, and reading each page with its own system call cost
	// 7 s of CPU at that size (the mapped pages count in the process's
	// memory, as the file's cache). And without the per-page cell check:
	// through a map SQLite sets up a page again at each visit, and the
	// check of every cell was 7 of these look-ups' 12.5 s. It catches
	// damage early so that a writer does not spread it; this connection
	// only reads, and the integrity check beside it reads every cell.
	forLookups
)

// checkConn is a connection for checking or rescuing.
func checkConn(ctx context.Context, db *sql.DB, use checkUse) (*sql.Conn, error) {
	c, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	q := []string{"PRAGMA cache_size = -65536"}
	switch use {
	case forIntegrity:
		q = []string{"PRAGMA cache_size = -8192"}
	case forLookups:
		q = []string{"PRAGMA mmap_size = " + mmapSize, "PRAGMA cell_size_check = 0"}
	}
	for _, q := range q {
		if _, err := c.ExecContext(ctx, q); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

// schemaProblem is what SQLite says when it cannot read the notebook's
// table of contents as it stands, "" when it can (or fails otherwise:
// the checks say why).
func schemaProblem(ctx context.Context, path string) string {
	db, err := sql.Open("sqlite", strings.Replace(dsn(path, connCheck), "mode=rw", "mode=ro", 1))
	if err != nil {
		return ""
	}
	defer db.Close()
	var n int
	err = db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema`).Scan(&n)
	if err == nil || sqliteCode(err)&0xff != sqlite3.SQLITE_CORRUPT {
		return ""
	}
	return strings.TrimSuffix(strings.TrimSpace(sqliteMessage(err)), " (11)")
}

// firstPageErr explains a failure to read even the notebook's header and
// table of contents.
func (s *Store) firstPageErr(err error) error {
	if KindOf(err) == KindDamaged {
		return &Error{KindDamaged, fmt.Sprintf("%s is damaged where SQLite keeps its header and table of contents (%s): nothing in it can be read", s.path, sqliteMessage(err)), err}
	}
	return s.wrap("check", err)
}

// sqliteMessage is SQLite's own wording of err.
func sqliteMessage(err error) string {
	var se *Error
	if errors.As(err, &se) && se.Err != nil {
		err = se.Err
	}
	return err.Error()
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// checkLines runs a check pragma and returns its lines; an error that
// stops it comes back as a store error.
func (s *Store) checkLines(ctx context.Context, db querier, q string) ([]string, error) {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, s.wrap("check", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return out, s.wrap("check", err)
		}
		out = append(out, line)
	}
	return out, s.wrap("check", rows.Err())
}

func (s *Store) foreignKeyProblems(ctx context.Context, db querier) ([]string, error) {
	rows, err := db.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return nil, s.wrap("check", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fkid int
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return out, s.wrap("check", err)
		}
		out = append(out, fmt.Sprintf("%s row %d points to a missing %s", table, rowid.Int64, parent))
	}
	return out, s.wrap("check", rows.Err())
}

// schemaObject is one b-tree of the notebook.
type schemaObject struct {
	name, typ, table string
	root             int
}

func (s *Store) readSchema(ctx context.Context, db querier) ([]schemaObject, error) {
	rows, err := db.QueryContext(ctx, `SELECT name, type, tbl_name, rootpage FROM sqlite_schema WHERE rootpage > 0 ORDER BY rootpage`)
	if err != nil {
		return nil, s.wrap("check", err)
	}
	defer rows.Close()
	var out []schemaObject
	for rows.Next() {
		var o schemaObject
		if err := rows.Scan(&o.name, &o.typ, &o.table, &o.root); err != nil {
			return nil, s.wrap("check", err)
		}
		out = append(out, o)
	}
	return out, s.wrap("check", rows.Err())
}

// The patterns of SQLite's integrity messages, compiled on first use.
var damageREs = sync.OnceValue(func() (r struct{ treePage, page, index, schema, column *regexp.Regexp }) {
	r.treePage = regexp.MustCompile(`(?i)\btree (\d+) page (\d+)`)
	r.page = regexp.MustCompile(`(?i)\bpage (\d+)`)
	r.index = regexp.MustCompile(`\bindex ([A-Za-z0-9_]+)`)
	r.schema = regexp.MustCompile(`malformed database schema \(([^)]*)\)`)
	r.column = regexp.MustCompile(`(?:NULL value|non-unique entry|constraint failed) in ([A-Za-z0-9_]+)`)
	return r
})

// describeDamage places each line of SQLite's check in the notebook: an
// index or table SQLite names, the b-tree a page number belongs to.
func describeDamage(ctx context.Context, db querier, schema []schemaObject, lines []string) []Damage {
	byName := map[string]schemaObject{}
	byRoot := map[int]schemaObject{}
	for _, o := range schema {
		byName[o.name], byRoot[o.root] = o, o
	}
	var pages map[int]schemaObject // filled on first need: it walks every b-tree
	owner := func(page int) (schemaObject, bool) {
		if o, ok := byRoot[page]; ok {
			return o, true
		}
		if pages == nil {
			pages = pageOwners(ctx, db, schema)
		}
		o, ok := pages[page]
		return o, ok
	}
	out := []Damage{}
	re := damageREs()
	for _, line := range lines {
		d := Damage{Detail: line}
		var obj schemaObject
		found := false
		switch {
		case strings.Contains(line, "fts5") || strings.Contains(line, "FTS5"):
			d.Object = "the search index"
			out = append(out, d)
			continue
		case re.schema.MatchString(line):
			d.Object = "the table of contents (its entry " + re.schema.FindStringSubmatch(line)[1] + ")"
			out = append(out, d)
			continue
		case strings.HasPrefix(line, "Freelist") || strings.Contains(line, "freelist"):
			d.Object = "the list of free pages"
			if m := re.page.FindStringSubmatch(line); m != nil {
				d.Page, _ = strconv.Atoi(m[1])
			}
			out = append(out, d)
			continue
		}
		if m := re.treePage.FindStringSubmatch(line); m != nil {
			root, _ := strconv.Atoi(m[1])
			d.Page, _ = strconv.Atoi(m[2])
			obj, found = byRoot[root]
		} else if m := re.index.FindStringSubmatch(line); m != nil {
			obj, found = byName[m[1]]
		} else if m := re.column.FindStringSubmatch(line); m != nil {
			obj, found = byName[m[1]]
		}
		if d.Page == 0 {
			if m := re.page.FindStringSubmatch(line); m != nil {
				d.Page, _ = strconv.Atoi(m[1])
			}
		}
		if !found && d.Page > 0 {
			obj, found = owner(d.Page)
		}
		switch {
		case found && obj.typ == "index":
			d.Index, d.Table = obj.name, obj.table
			d.Object = fmt.Sprintf("index %s of table %s", obj.name, obj.table)
		case found:
			d.Table = obj.name
			d.Object = "table " + obj.name
		case d.Page > 0 && strings.Contains(line, "never used"):
			d.Object = "an unused page"
		case d.Page > 0:
			d.Object = fmt.Sprintf("page %d", d.Page)
		default:
			d.Object = unnamed
		}
		if strings.HasPrefix(d.Table, "search_") || d.Table == "search" {
			d.Object = "the search index (" + d.Object + ")"
		}
		out = append(out, d)
	}
	return out
}

// unnamed is what describeDamage calls a finding it cannot place.
const unnamed = "the notebook file"

// placeUnnamed places findings that name nothing (SQLite reports a record
// it cannot decode as just "database disk image is malformed") by checking
// table by table which tables fail; it costs another pass over the
// notebook, only when such a finding was made.
func (s *Store) placeUnnamed(ctx context.Context, c querier, full bool, schema []schemaObject, in []Damage) []Damage {
	if !slices.ContainsFunc(in, func(d Damage) bool { return d.Object == unnamed }) {
		return in
	}
	pragma := "quick_check"
	if full {
		pragma = "integrity_check"
	}
	var named []Damage
	for _, o := range schema {
		if o.typ != "table" {
			continue
		}
		lines, err := s.checkLines(ctx, c, `SELECT * FROM pragma_`+pragma+`(`+quoteLiteral(o.name)+`)`)
		if err != nil && KindOf(err) != KindDamaged {
			return in
		}
		detail := ""
		for _, l := range lines {
			if f := firstFinding(l); f != "ok" && f != "" && detail == "" {
				detail = f
			}
		}
		if detail == "" && err != nil {
			detail = sqliteMessage(err)
		}
		if detail != "" {
			named = append(named, Damage{Object: "table " + o.name, Table: o.name, Detail: detail})
		}
	}
	if len(named) == 0 {
		return in
	}
	out := []Damage{}
	for _, d := range in {
		if d.Object != unnamed {
			out = append(out, d)
		}
	}
	for _, d := range named {
		if !slices.ContainsFunc(out, func(x Damage) bool { return x.Object == d.Object }) {
			out = append(out, d)
		}
	}
	return out
}

// quoteLiteral is s as an SQL string literal.
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// pageOwners maps pages to the b-tree they belong to, walking each b-tree
// with the dbstat table as far as it can be read.
func pageOwners(ctx context.Context, db querier, schema []schemaObject) map[int]schemaObject {
	out := map[int]schemaObject{}
	for _, o := range schema {
		rows, err := db.QueryContext(ctx, `SELECT pageno FROM dbstat WHERE name = ?`, o.name)
		if err != nil {
			continue
		}
		for rows.Next() {
			var p int
			if rows.Scan(&p) == nil {
				out[p] = o
			}
		}
		rows.Close()
	}
	return out
}
