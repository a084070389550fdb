package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
)

//go:embed migrations_pg/*.sql
var pgMigrationFS embed.FS

// pgMigrationFills fill in data after a migration's script, as
// migrationFills do on SQLite, in the same transaction.
var pgMigrationFills = map[int]func(ctx context.Context, s *Store, tx *sql.Tx) error{
	// Schema 5 folds accents into the names' pinyin and initials.
	5: func(ctx context.Context, s *Store, tx *sql.Tx) error {
		return s.rekeyNames(ctx, tx)
	},
	// Schema 6 makes the kept agenda, which a team's managers read too.
	6: func(ctx context.Context, s *Store, tx *sql.Tx) error {
		var team bool
		if err := tx.QueryRowContext(ctx, `SELECT to_regprocedure('rolo_is_manager()') IS NOT NULL`).Scan(&team); err != nil || !team {
			return err
		}
		_, err := tx.ExecContext(ctx, pgTeamKeptSQL)
		return err
	},
	// Schema 9 keeps the team's members in the notebook: a team set up
	// before gets the policies that ask it.
	9: renewTeamPG,
	// Schema 13's policies (a manager's records passed once a statement,
	// rolo.rep read once a statement, the list of members its members'
	// alone): a team set up before gets them.
	13: renewTeamPG,
}

// renewTeamPG sets a team's policies up again (pgTeamSQL) when the
// notebook has a team (its customers are under row-level security).
func renewTeamPG(ctx context.Context, s *Store, tx *sql.Tx) error {
	var team bool
	if err := tx.QueryRowContext(ctx, `SELECT relrowsecurity FROM pg_catalog.pg_class WHERE oid = CAST('customers' AS regclass)`).Scan(&team); err != nil || !team {
		return err
	}
	_, err := tx.ExecContext(ctx, pgTeamSQL)
	return err
}

// SchemaVersionPG is the PostgreSQL schema version this build of rolo writes.
func SchemaVersionPG() int {
	ms, err := loadMigrationsFrom(pgMigrationFS, "migrations_pg")
	if err != nil {
		panic(err) // embedded files are fixed at build time
	}
	return len(ms)
}

// pgSchemaVersion reads the notebook's schema version: 0 and no error for
// a database without rolo's tables; KindNotNotebook when the schema rolo
// would use holds tables of another program.
func (s *Store) pgSchemaVersion(ctx context.Context, q queryer) (int, error) {
	var have bool
	if err := q.QueryRowContext(ctx, `SELECT to_regclass('rolo_schema') IS NOT NULL`).Scan(&have); err != nil {
		return 0, s.wrap("open", err)
	}
	if !have {
		var tables int
		if err := q.QueryRowContext(ctx, `SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()`).Scan(&tables); err != nil {
			return 0, s.wrap("open", err)
		}
		if tables > 0 {
			return 0, Errorf(KindNotNotebook, "%s holds tables of another program, not a rolo notebook; use an empty database or schema", s.path)
		}
		return 0, nil
	}
	var app string
	var version int
	err := q.QueryRowContext(ctx, `SELECT application, version FROM rolo_schema`).Scan(&app, &version)
	if errors.Is(err, sql.ErrNoRows) || err == nil && app != "rolo" {
		return 0, Errorf(KindNotNotebook, "%s has a rolo_schema table that rolo did not write", s.path)
	}
	return version, s.wrap("open", err)
}

// migratePG brings the notebook's schema up to date: every missing
// script in one transaction (PostgreSQL's DDL is transactional), so a
// failed or interrupted migration leaves the notebook as it was. A newer
// notebook is refused untouched; an empty database becomes a notebook only
// when create is set.
func (s *Store) migratePG(ctx context.Context, create, noMigrate bool) error {
	ms, err := loadMigrationsFrom(pgMigrationFS, "migrations_pg")
	if err != nil {
		return err
	}
	latest := len(ms)
	version, err := s.pgSchemaVersion(ctx, s.r)
	if err != nil {
		return err
	}
	switch {
	case version > latest:
		return Errorf(KindTooNew, "%s has schema version %d but this rolo knows only up to %d; upgrade rolo (nothing was changed)", s.path, version, latest)
	case version == latest:
		return nil
	case version == 0 && !create:
		return Errorf(KindNoNotebook, "no rolo notebook in %s", s.path)
	case version > 0 && noMigrate:
		return Errorf(KindTooNew, "%s has schema version %d and needs migrating to %d; any other command migrates it (rolo list -n 1)", s.path, version, latest)
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		// One migrator at a time; the others find the work done.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7523409872)`); err != nil {
			return s.wrap("migrate", err)
		}
		cur, err := s.pgSchemaVersion(ctx, tx)
		if err != nil || cur >= latest {
			return err
		}
		for _, m := range ms[cur:] {
			_, err := tx.ExecContext(ctx, m.sql)
			if fill := pgMigrationFills[m.version]; err == nil && fill != nil {
				err = fill(ctx, s, tx)
			}
			if err != nil {
				if pgCode(err) == "42501" {
					// A rep may not change the tables; their owner may.
					return Errorf(KindNotPermitted, "%s has schema version %d and this rolo needs %d, which only the owner of its tables may make: "+
						"ask them (or an administrator) to open it once with this rolo, for example `rolo --db URL list -n 1`; nothing was changed (%v)",
						s.path, cur, latest, err)
				}
				return s.wrap("migrate "+m.name, err)
			}
		}
		if _, err = tx.ExecContext(ctx, `INSERT INTO rolo_schema(version) VALUES (?)
			ON CONFLICT (only_row) DO UPDATE SET version = excluded.version`, latest); err != nil {
			return s.wrap("migrate", err)
		}
		if cur == 0 {
			// As SQLite's schema 7 does: a new notebook keeps its (empty)
			// tier floors from the start (for the role that made it;
			// other reps keep theirs from their first write).
			return s.keepTierCuts(ctx, tx, "", nil)
		}
		return nil
	})
}

// createPG makes a new notebook in an empty PostgreSQL database and fill
// (when not nil) adds to it. A database that already holds a notebook is
// ErrExists, as an existing file is for SQLite.
func createPG(ctx context.Context, dsn string, opts Options, fill func(s *Store) error) error {
	s, err := openPG(ctx, dsn, Options{Now: opts.Now, NoMigrate: true}, false)
	if err == nil {
		s.Close()
		return Errorf(KindExists, "%s already holds a rolo notebook", s.path)
	}
	if KindOf(err) != KindNoNotebook {
		return err
	}
	s, err = openPG(ctx, dsn, opts, true)
	if err != nil {
		return err
	}
	if fill != nil {
		err = fill(s)
	}
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	return err
}
