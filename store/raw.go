package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/rolo-crm/rolo/money"
)

// eachRow runs a read query straight through the driver on one pooled
// connection and hands fn each row's values (int64, float64, string,
// []byte or nil; valid only during the call). Whole-notebook reports read
// 100,000 rows: database/sql's per-column conversion doubled their cost.
// args go to the driver as they are: int64, float64, bool, string, []byte
// or nil.
func (s *Store) eachRow(ctx context.Context, op, q string, args []any, fn func(v []driver.Value) error) error {
	conn, release, err := s.scanConn(ctx)
	if err != nil {
		return s.wrap(op, err)
	}
	defer release()
	return s.wrap(op, rawRows(ctx, conn, q, args, fn))
}

// eachFew is eachRow for a read of a few rows found by key (one
// customer's, a list of ids): on a read connection as it is, mapped. A
// scan connection's switch of the map and the cache, and back, costs more
// than such a read: the map is given up and the next look-up maps its
// pages again (a third of a card's reads).
func (s *Store) eachFew(ctx context.Context, op, q string, args []any, fn func(v []driver.Value) error) error {
	conn, err := s.r.Conn(ctx)
	if err != nil {
		return s.wrap(op, err)
	}
	defer conn.Close()
	return s.wrap(op, rawRows(ctx, conn, q, args, fn))
}

// eachLookup is eachRow for a read that looks rows up all over a table
// (every customer in name order), through the memory map. The small scan
// cache read each page again with a system call at every look-up; a cache
// large enough to keep the pages costs as much again to free when the
// connection closes (SQLite's allocator hands each page back to the
// system). The map has a cost of its own: SQLite checks a page's cells
// (cell_size_check) each time it maps it, a third of this read, so this
// read goes without that check. It only reads: the check is there so that
// damage does not spread through writes, and SQLite's own checks of every
// page it reads still stop a read of a damaged page (SQLITE_CORRUPT), as
// `check` does.
func (s *Store) eachLookup(ctx context.Context, op, q string, args []any, fn func(v []driver.Value) error) error {
	conn, err := s.r.Conn(ctx)
	if err != nil {
		return s.wrap(op, err)
	}
	defer conn.Close()
	if !s.pg {
		// The check comes back (or the connection is dropped) even when
		// switching it off reported an error after taking effect.
		defer func() {
			if _, err := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA cell_size_check = ON`); err != nil {
				conn.Raw(func(any) error { return driver.ErrBadConn }) // not back to the pool without the check
			}
		}()
		if _, err := conn.ExecContext(ctx, `PRAGMA cell_size_check = OFF`); err != nil {
			return s.wrap(op, err)
		}
	}
	return s.wrap(op, rawRows(ctx, conn, q, args, fn))
}

func rawRows(ctx context.Context, conn *sql.Conn, q string, args []any, fn func(v []driver.Value) error) error {
	return conn.Raw(func(dc any) error {
		qc, ok := dc.(driver.QueryerContext)
		if !ok {
			return fmt.Errorf("the SQLite driver cannot query directly")
		}
		named := make([]driver.NamedValue, len(args))
		for i, a := range args {
			named[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
		}
		rows, err := qc.QueryContext(ctx, q, named)
		if err != nil {
			return err
		}
		defer rows.Close()
		vals := make([]driver.Value, len(rows.Columns()))
		for {
			if err := rows.Next(vals); errors.Is(err, io.EOF) {
				return nil
			} else if err != nil {
				return err
			}
			if err := fn(vals); err != nil {
				return err
			}
		}
	})
}

// scanConn is a read connection for reading whole tables. A scan reads
// each page once: through the small page cache it costs no more than
// mapped, and does not swell the process by the size of what it read
// (look-ups keep the map, where it saves cold reads).
func (s *Store) scanConn(ctx context.Context) (*sql.Conn, func(), error) {
	conn, err := s.r.Conn(ctx)
	if err != nil {
		return nil, nil, err
	}
	if s.pg {
		return conn, func() { conn.Close() }, nil
	}
	// A scan reads each page once, so a small cache is as fast as a large
	// one; and every cached page is an allocation of SQLite's allocator,
	// paid again when the connection closes (reports run several scans side
	// by side).
	if _, err := conn.ExecContext(ctx, `PRAGMA mmap_size = 0; PRAGMA cache_size = `+scanCache); err != nil {
		conn.Close()
		return nil, nil, err
	}
	return conn, func() {
		conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA mmap_size = `+mmapSize+`; PRAGMA cache_size = `+readCache)
		conn.Close()
	}, nil
}

// Typed views of driver values; NULL and other types read as zero.
func vInt(v driver.Value) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case float64:
		return int64(x)
	}
	return 0
}

func vMoney(v driver.Value) money.Amount { return money.Amount(vInt(v)) }

func vStr(v driver.Value) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	}
	return ""
}

// parallel runs independent reads at once (each takes its own read
// connection) and returns the first error.
func parallel(fns ...func() error) error {
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = fn()
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// valueScanner lets the entity scan functions (scanCustomer, scanPurchase,
// ...) read a row of driver values, for the destination types they use.
type valueScanner []driver.Value

func (v valueScanner) Scan(dest ...any) error {
	if len(dest) != len(v) {
		return fmt.Errorf("scan: %d destinations for %d columns", len(dest), len(v))
	}
	for i, d := range dest {
		switch d := d.(type) {
		case *int64:
			*d = vInt(v[i])
		case *money.Amount:
			*d = money.Amount(vInt(v[i]))
		case *int:
			*d = int(vInt(v[i]))
		case *bool:
			*d = vInt(v[i]) != 0
		case *float64:
			switch x := v[i].(type) {
			case float64:
				*d = x
			case int64:
				*d = float64(x)
			default:
				*d = 0
			}
		case *string:
			*d = vStr(v[i])
		case *sql.NullInt64:
			*d = sql.NullInt64{Int64: vInt(v[i]), Valid: v[i] != nil}
		case *sql.NullString:
			*d = sql.NullString{String: vStr(v[i]), Valid: v[i] != nil}
		case *sql.NullFloat64:
			var f float64
			valueScanner{v[i]}.Scan(&f)
			*d = sql.NullFloat64{Float64: f, Valid: v[i] != nil}
		default:
			return fmt.Errorf("scan: column %d: cannot read into %T", i, d)
		}
	}
	return nil
}
