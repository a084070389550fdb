package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	return loadMigrationsFrom(migrationFS, "migrations")
}

// loadMigrationsFrom reads the numbered scripts NNNN_name.sql of dir.
func loadMigrationsFrom(migrationFS embed.FS, dir string) ([]migration, error) {
	entries, err := migrationFS.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		if !ok {
			return nil, fmt.Errorf("migration %s: name must start with NNNN_", e.Name())
		}
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("migration %s: %w", e.Name(), err)
		}
		b, err := migrationFS.ReadFile(dir + "/" + e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected version %d", m.name, i+1)
		}
	}
	return ms, nil
}

// migrationFills fill in data after a migration's script, where Go does it
// much faster than SQL.
var migrationFills = map[int]func(ctx context.Context, s *Store, tx *sql.Tx) error{
	2: func(ctx context.Context, s *Store, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE purchase_totals SET next_date = coalesce((SELECT next_date FROM purchases p
			WHERE p.customer_id = purchase_totals.customer_id ORDER BY date DESC, id DESC LIMIT 1), '')`); err != nil {
			return err
		}
		return s.regap(ctx, tx, `1`)
	},
	// Schema 4 keeps the revenue without a cost and counts payments after
	// the sale, and the totals are the store's from now on: rebuild them all
	// from the one definition.
	4: func(ctx context.Context, s *Store, tx *sql.Tx) error {
		return s.retotal(ctx, tx, `1`)
	},
	// Schema 7 pads the search bodies and indexes the custom fields (the
	// script emptied the index: every row is written again) and keeps the
	// notebook's tier floors.
	7: func(ctx context.Context, s *Store, tx *sql.Tx) error {
		for src := range indexSQL {
			if _, err := tx.ExecContext(ctx, fmt.Sprintf(indexSQL[src], `SELECT id FROM customers`)); err != nil {
				return err
			}
		}
		return s.keepTierCuts(ctx, tx, "", nil)
	},
	// Schema 9 folds accents into the names' pinyin and initials.
	9: func(ctx context.Context, s *Store, tx *sql.Tx) error {
		return s.rekeyNames(ctx, tx)
	},
}

// SchemaVersion is the schema version this build of rolo writes.
func SchemaVersion() int {
	ms, err := loadMigrations()
	if err != nil {
		panic(err) // embedded files are fixed at build time
	}
	return len(ms)
}

func (s *Store) migrate(ctx context.Context, version int, noMigrate bool) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	return s.applyMigrations(ctx, ms, version, noMigrate)
}

// applyMigrations brings the notebook from version to len(ms), backing it
// up first when it already held data.
func (s *Store) applyMigrations(ctx context.Context, ms []migration, version int, noMigrate bool) error {
	latest := len(ms)
	if version > latest {
		return Errorf(KindTooNew, "%s has schema version %d but this rolo knows only up to %d; upgrade rolo (nothing was changed)", s.path, version, latest)
	}
	if version == latest {
		return nil
	}
	if version > 0 {
		if noMigrate {
			return fmt.Errorf("notebook %s has schema version %d and needs migrating to %d; any other command migrates it (rolo list -n 1), keeping a copy of the old file beside it", s.path, version, latest)
		}
		backup := fmt.Sprintf("%s.v%d.bak", s.path, version)
		if _, err := os.Stat(backup); err == nil {
			backup = fmt.Sprintf("%s.v%d.%s.bak", s.path, version, s.now().UTC().Format("20060102T150405"))
		}
		if err := s.Backup(ctx, backup); err != nil {
			return fmt.Errorf("back up before migrating: %w", err)
		}
	}
	for _, m := range ms[version:] {
		err := s.withTx(ctx, func(tx *sql.Tx) error {
			var cur int
			if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&cur); err != nil {
				return err
			}
			if cur >= m.version {
				return nil // another process got there first
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			if fill := migrationFills[m.version]; fill != nil {
				if err := fill(ctx, s, tx); err != nil {
					return fmt.Errorf("migration %s: %w", m.name, err)
				}
			}
			if m.version == 1 {
				if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", ApplicationID)); err != nil {
					return err
				}
				if err := seedSettings(ctx, tx); err != nil {
					return err
				}
			}
			_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version))
			return err
		})
		if err != nil {
			return s.wrap("migrate", err)
		}
	}
	return nil
}
