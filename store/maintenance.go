package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"

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
