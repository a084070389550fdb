package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	sqlite3 "modernc.org/sqlite/lib"
)

// Recovering a damaged notebook: SQLite's recover extension is not part
// of modernc.org/sqlite, so rolo reads the damaged file table by table,
// row by row in rowid order, and steps over what cannot be read (a page
// SQLite finds malformed, a row it cannot decode) by searching for the
// next rowid that can be read. Every row read goes into a new notebook
// built aside next to the damaged one; the damaged file is only read.

// recoverTables are the tables copied, parents first: every table of the
// notebook but the kept purchase totals and the search index, which are
// rebuilt from the rows saved, and the kept agenda, read again when next
// asked for (TestRecoverCopiesEveryTable holds the list
// to the schema).
var recoverTables = [...]string{"settings", "state", "customers", "purchases", "payments", "contacts", "followups", "surveys",
	"events", "status_history", "agenda_actions", "tier_history"}

// RecoverReport says what Recover saved.
type RecoverReport struct {
	Path   string         `json:"path"` // the new notebook
	Tables []TableRescued `json:"tables"`
	// Placeholders are customers made up for saved history whose customer
	// could not be read.
	Placeholders int  `json:"placeholder_customers"`
	OK           bool `json:"new_notebook_ok"` // the new notebook passes the quick check
}

// TableRescued is what was saved of one table.
type TableRescued struct {
	Table string `json:"table"`
	Saved int    `json:"saved"`
	// Unusable rows were read but could not be stored (a damaged value
	// that breaks a rule of the notebook).
	Unusable int `json:"unusable"`
	// Lost are the rowid ranges that could not be read; rows there, if
	// any, are gone.
	Lost []RowRange `json:"lost"`
	// Unreadable says the table could not be read at all.
	Unreadable string `json:"unreadable,omitempty"`
}

// RowRange is a range of row ids, both ends included.
type RowRange struct {
	From int64 `json:"from"`
	To   int64 `json:"to"`
}

// RecoveredPath is where Recover puts the copy of the notebook at path:
// beside it, "notebook.recovered.db", or the first of
// "notebook.recovered-2.db", ... that does not exist.
func RecoveredPath(path string) string {
	ext := filepath.Ext(path)
	base := strings.TrimSuffix(path, ext)
	if ext == "" {
		ext = ".db"
	}
	p := base + ".recovered" + ext
	for i := 2; ; i++ {
		if _, err := os.Lstat(p); errors.Is(err, os.ErrNotExist) {
			return p
		}
		p = fmt.Sprintf("%s.recovered-%d%s", base, i, ext)
	}
}

// Recover copies every row it can read from the notebook at src, however
// damaged, into a new notebook at dest (which must not exist), and
// rebuilds there what rolo keeps derived (purchase totals, search index).
// History whose customer could not be read is kept under a placeholder
// customer. src is only read.
func Recover(ctx context.Context, src, dest string, opts Options) (RecoverReport, error) {
	rep := RecoverReport{Path: dest}
	fi, err := os.Stat(src)
	if err := notebookFile(src, fi, err); err != nil {
		return rep, err
	}
	from := &Store{path: src}
	db, err := sql.Open("sqlite", checkDSN(src))
	if err != nil {
		return rep, from.wrap("recover", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	rd, err := checkConn(ctx, db, forRescue)
	if err != nil {
		return rep, from.firstPageErr(err)
	}
	defer rd.Close()
	srcCols := map[string][]string{}
	for _, t := range recoverTables {
		cols, err := columns(ctx, rd, t)
		if err != nil {
			return rep, from.firstPageErr(err)
		}
		srcCols[t] = cols
	}
	err = Create(ctx, dest, opts, func(s *Store) error {
		// One connection, foreign keys off while rows arrive in any order
		// (and some never do); placeholders make them whole again.
		w, err := s.w.Conn(ctx)
		if err != nil {
			return s.wrap("recover", err)
		}
		defer w.Close()
		if _, err := w.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
			return s.wrap("recover", err)
		}
		defer w.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = ON")
		tx, err := w.BeginTx(ctx, nil)
		if err != nil {
			return s.wrap("recover", err)
		}
		defer tx.Rollback()
		for _, t := range recoverTables {
			destCols, err := columns(ctx, tx, t)
			if err != nil {
				return s.wrap("recover", err)
			}
			cols := common(srcCols[t], destCols)
			if len(srcCols[t]) == 0 {
				rep.Tables = append(rep.Tables, TableRescued{Table: t, Unreadable: "not in the damaged notebook", Lost: []RowRange{}})
				continue
			}
			tr, err := copyRows(ctx, rd, tx, t, cols)
			if err != nil {
				return err
			}
			rep.Tables = append(rep.Tables, tr)
		}
		if rep.Placeholders, err = s.placeholders(ctx, tx); err != nil {
			return err
		}
		// A payment whose purchase was lost pays nothing that is left.
		res, err := tx.ExecContext(ctx, `DELETE FROM payments WHERE purchase_id NOT IN (SELECT id FROM purchases)`)
		if err != nil {
			return s.wrap("recover", err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			for i := range rep.Tables {
				if rep.Tables[i].Table == "payments" {
					rep.Tables[i].Saved -= int(n)
					rep.Tables[i].Unusable += int(n)
				}
			}
		}
		if err := s.retotal(ctx, tx, `1`); err != nil {
			return err
		}
		if err := s.rekeyNames(ctx, tx); err != nil { // a notebook of an older rolo
			return err
		}
		for src := srcCustomer; src <= srcContact; src++ {
			if err := s.reindex(ctx, tx, src, `SELECT id FROM customers WHERE id > ?`, int64(math.MinInt64)); err != nil {
				return err
			}
		}
		if err := tx.Commit(); err != nil {
			return s.wrap("recover", err)
		}
		return nil
	})
	if err != nil {
		return rep, err
	}
	check, err := CheckFile(ctx, dest, CheckOptions{})
	rep.OK = err == nil && check.OK
	return rep, nil
}

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// columns are the columns of table t, none when it does not exist.
func columns(ctx context.Context, q querier, t string) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT name FROM pragma_table_info(?)`, t)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func common(a, b []string) []string {
	var out []string
	for _, x := range a {
		for _, y := range b {
			if x == y {
				out = append(out, x)
			}
		}
	}
	return out
}

// isDamage says err is SQLite failing to read damaged data, which a
// rescue steps over; anything else stops it.
func isDamage(err error) bool {
	if errors.Is(err, errOutOfOrder) {
		return true
	}
	switch sqliteCode(err) & 0xff {
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_IOERR: // IOERR: a short read of a truncated file
		return true
	}
	return false
}

// errOutOfOrder is damage rolo notices itself: row ids out of order.
var errOutOfOrder = errors.New("row ids out of order")

// rowCopier copies the rows of one table from a damaged notebook.
type rowCopier struct {
	src      querier
	ins      *sql.Stmt
	read     string // the query reading the rows from a rowid on
	readFrom string // the first row from a rowid on
	tr       TableRescued
	vals     []any // rowid, then the columns
	ptrs     []any
}

// copyRows copies every readable row of table t from src into tx, in rowid
// order, stepping over what cannot be read.
func copyRows(ctx context.Context, src querier, tx *sql.Tx, t string, cols []string) (TableRescued, error) {
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = `"` + c + `"`
	}
	list := strings.Join(quoted, ", ")
	verb := "INSERT"
	if t == "settings" || t == "state" {
		verb = "INSERT OR REPLACE" // the new notebook has its own defaults
	}
	ins, err := tx.PrepareContext(ctx, verb+` INTO "`+t+`"(`+list+`) VALUES (?`+strings.Repeat(", ?", len(cols)-1)+`)`)
	if err != nil {
		return TableRescued{Table: t}, err
	}
	defer ins.Close()
	c := &rowCopier{src: src, ins: ins, tr: TableRescued{Table: t, Lost: []RowRange{}},
		read:     `SELECT rowid, ` + list + ` FROM "` + t + `" NOT INDEXED WHERE rowid >= ? ORDER BY rowid`,
		readFrom: `SELECT rowid, ` + list + ` FROM "` + t + `" NOT INDEXED WHERE rowid >= ? ORDER BY rowid LIMIT 1`,
		vals:     make([]any, len(cols)+1)}
	c.ptrs = make([]any, len(c.vals))
	for i := range c.vals {
		c.ptrs[i] = &c.vals[i]
	}
	// Rows from `from` on are still to read; last is the last row read.
	from, last := int64(math.MinInt64), int64(math.MinInt64)
	for {
		stopped, err := c.copyFrom(ctx, from, &last)
		if err != nil {
			return c.tr, err
		}
		if stopped == nil {
			return c.tr, nil // the end of the table
		}
		if !isDamage(stopped) {
			return c.tr, fmt.Errorf("read %s: %w", t, stopped)
		}
		start := max(last, 0) + 1 // reading failed at the first row from here
		next, ok := c.nextReadable(ctx, start)
		if err := ctx.Err(); err != nil {
			return c.tr, err
		}
		if !ok {
			if c.tr.Saved == 0 && c.tr.Unusable == 0 {
				c.tr.Unreadable = sqliteMessage(stopped)
			}
			c.tr.Lost = append(c.tr.Lost, RowRange{From: start, To: math.MaxInt64})
			return c.tr, nil
		}
		c.tr.Lost = append(c.tr.Lost, RowRange{From: start, To: next - 1})
		from, last = next, next-1
	}
}

// copyFrom copies rows from the row id from on until the end (stopped
// nil) or until reading stops at damage (stopped says why), keeping in
// *last the last row read; err is a failure to write.
func (c *rowCopier) copyFrom(ctx context.Context, from int64, last *int64) (stopped, err error) {
	rows, err := c.src.QueryContext(ctx, c.read, from)
	if err != nil {
		return err, nil
	}
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(c.ptrs...); err != nil {
			return err, nil
		}
		id, _ := c.vals[0].(int64)
		if id <= *last {
			return errOutOfOrder, nil
		}
		*last = id
		if _, err := c.ins.ExecContext(ctx, c.vals[1:]...); err != nil {
			if sqliteCode(err)&0xff == sqlite3.SQLITE_CONSTRAINT { // a damaged value breaks a rule
				c.tr.Unusable++
				continue
			}
			return nil, err
		}
		c.tr.Saved++
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return rows.Err(), nil
}

// nextReadable finds where reading can go on when it failed from the row
// id start: the smallest bound b such that the rows from b on can be read
// (the rows from start to b are lost), and whether there is one. Reading is
// tried further and further on (doubling), then the boundary is narrowed
// down by bisection. (A seek to a bound lands on the page holding the row
// before it: "rowid >= b" rather than "> b" keeps the first row of the
// next page.)
func (c *rowCopier) nextReadable(ctx context.Context, start int64) (int64, bool) {
	readable := func(b int64) bool {
		rows, err := c.src.QueryContext(ctx, c.readFrom, b)
		if err != nil {
			return false
		}
		defer rows.Close()
		if !rows.Next() {
			return rows.Err() == nil // the end: nothing more to read, and nothing broken
		}
		return rows.Scan(c.ptrs...) == nil && rows.Err() == nil
	}
	lo := start // reading from here failed
	step := int64(1)
	hi := int64(0)
	for {
		if ctx.Err() != nil {
			return 0, false
		}
		if lo > math.MaxInt64-step {
			return 0, false
		}
		hi = lo + step
		if readable(hi) {
			break
		}
		if step > math.MaxInt64/2 {
			return 0, false
		}
		lo, step = hi, step*2
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if readable(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi, true
}

// placeholders gives history whose customer could not be read a customer
// to belong to, and drops referrals to customers that are gone.
func (s *Store) placeholders(ctx context.Context, tx *sql.Tx) (int, error) {
	now := s.stamp()
	res, err := tx.ExecContext(ctx, `INSERT INTO customers(id, name, notes, created_at, updated_at)
		SELECT customer_id, 'customer #' || customer_id || ' (not recovered)',
		       'This customer could not be read from the damaged notebook; their history was saved.', ?1, ?1
		FROM (SELECT customer_id FROM purchases UNION SELECT customer_id FROM contacts UNION SELECT customer_id FROM followups
		      UNION SELECT customer_id FROM surveys UNION SELECT customer_id FROM tier_history UNION SELECT customer_id FROM events
		      UNION SELECT customer_id FROM status_history UNION SELECT customer_id FROM agenda_actions)
		WHERE customer_id NOT IN (SELECT id FROM customers)`, now)
	if err != nil {
		return 0, s.wrap("recover", err)
	}
	n, _ := res.RowsAffected()
	if _, err := tx.ExecContext(ctx, `UPDATE customers SET referred_by = NULL
		WHERE referred_by IS NOT NULL AND referred_by NOT IN (SELECT id FROM customers)`); err != nil {
		return 0, s.wrap("recover", err)
	}
	return int(n), nil
}
