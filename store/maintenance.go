package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Backup writes a consistent copy of the notebook to dest with VACUUM INTO:
// into a private temporary file first, checked, synced, then renamed, so
// dest is never a partial file.
func (s *Store) Backup(ctx context.Context, dest string) error {
	if _, err := os.Stat(dest); err == nil {
		return Errorf(KindExists, "%s already exists; choose another name or remove it first", dest)
	}
	dir := filepath.Dir(dest)
	tmp, err := os.CreateTemp(dir, ".rolo-backup-*")
	if err != nil {
		return fmt.Errorf("backup: %w", mapOSErr(err))
	}
	tmpName := tmp.Name()
	tmp.Close()
	// VACUUM INTO needs an empty or missing target; an empty 0600 file keeps the mode.
	defer os.Remove(tmpName)
	if err := s.vacuumInto(ctx, tmpName); err != nil {
		return s.wrap("backup", err)
	}
	if err := checkFile(ctx, tmpName); err != nil {
		return fmt.Errorf("backup: the copy failed its check: %w", err)
	}
	f, err := os.OpenFile(tmpName, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("backup: %w", err)
	}
	f.Close()
	if err := os.Link(tmpName, dest); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return Errorf(KindExists, "%s already exists", dest)
		}
		if err := os.Rename(tmpName, dest); err != nil {
			return fmt.Errorf("backup: %w", mapOSErr(err))
		}
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
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

// CheckReport is what Check found.
type CheckReport struct {
	Integrity   []string `json:"integrity"`
	ForeignKeys []string `json:"foreign_keys"`
	Search      string   `json:"search"`
	Totals      int      `json:"totals_mismatched"` // customers whose kept purchase totals disagree with their purchases
	OK          bool     `json:"ok"`
}

// Check runs SQLite's integrity check, the foreign-key check and the
// full-text index check.
func (s *Store) Check(ctx context.Context) (CheckReport, error) {
	var rep CheckReport
	// A connection of its own: one that read the notebook before caches
	// the full-text index's structure, and after another connection wrote,
	// integrity_check compared against that stale copy and reported a
	// checksum mismatch that was not there. It reads every page once, so
	// unmapped and with a small cache.
	conn, err := sql.Open("sqlite", dsn(s.path, connCheck))
	if err != nil {
		return rep, s.wrap("check", err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	rows, err := conn.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return rep, s.wrap("check", err)
	}
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return rep, s.wrap("check", err)
		}
		if line != "ok" {
			rep.Integrity = append(rep.Integrity, line)
		}
	}
	rows.Close()
	rows, err = conn.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return rep, s.wrap("check", err)
	}
	for rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fkid int
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			rows.Close()
			return rep, s.wrap("check", err)
		}
		rep.ForeignKeys = append(rep.ForeignKeys, fmt.Sprintf("%s row %d points to a missing %s", table, rowid.Int64, parent))
	}
	rows.Close()
	rep.Search = "ok"
	if _, err := s.w.ExecContext(ctx, `INSERT INTO search(search, rank) VALUES ('integrity-check', 1)`); err != nil {
		rep.Search = strings.TrimPrefix(err.Error(), "SQL logic error: ")
	}
	if rep.Totals, err = s.totalsMismatches(ctx, conn); err != nil {
		return rep, err
	}
	rep.OK = len(rep.Integrity) == 0 && len(rep.ForeignKeys) == 0 && rep.Search == "ok" && rep.Totals == 0
	return rep, nil
}
