package store

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"

	"github.com/rolo-crm/rolo/tiering/agenda"
)

// The kept agenda on PostgreSQL (migrations_pg/0006): the chunks are those
// of SQLite's schema 10; what says a chunk no longer stands differs, as
// many reps write at once (see the migration). A chunk stands while no
// marker of a later write names it.

// keptMetaPG reads what agendaKept goes by: no generation (a chunk's own
// number says whether it stands), and the latest contact, payment and
// survey, from their indexes.
const keptMetaPG = `SELECT 0, coalesce((SELECT max(at) FROM contacts), ''),
	coalesce((SELECT CAST(max(date) AS text) FROM payments), ''),
	coalesce((SELECT CAST(max(date) AS text) FROM surveys), '')`

// keptChunksPG reads the chunks that stand.
const keptChunksPG = `SELECT k.chunk, k.data FROM agenda_kept k
	WHERE NOT EXISTS (SELECT 1 FROM agenda_stale m WHERE m.chunk IN (k.chunk, -1) AND m.gen > k.gen) ORDER BY k.chunk`

// keptAgendaPG says whether this connection keeps and reads the kept
// agenda, which holds every customer: one that sees them all (the tables'
// owner, whom the team's policies do not apply to, or a manager), looking
// at the whole notebook (not one rep's customers), with the rights to.
// Asked once.
func (s *Store) keptAgendaPG(ctx context.Context) bool {
	s.keptPGOnce.Do(func() {
		if s.rep != "" {
			return
		}
		all := `NOT row_security_active('customers')`
		var team bool
		if err := s.r.QueryRowContext(short(ctx), `SELECT to_regprocedure('rolo_is_manager()') IS NOT NULL`).Scan(&team); err != nil {
			return
		}
		if team {
			all = `(` + all + ` OR rolo_is_manager())`
		}
		err := s.r.QueryRowContext(short(ctx), `SELECT `+all+`
			AND has_table_privilege('agenda_kept', 'SELECT, INSERT, DELETE')
			AND has_table_privilege('agenda_stale', 'SELECT, DELETE')
			AND has_table_privilege('agenda_keeper', 'UPDATE')`).Scan(&s.keptPG)
		if err != nil {
			s.keptPG = false
		}
	})
	return s.keptPG
}

// keptGenPG is the number the customers about to be read are kept with:
// agenda_gen once the writes that marked chunks and are still under way
// have ended. ok is false when that takes longer than a keeper waits (a
// long import under way): the customers are read all the same, and not
// kept.
func (s *Store) keptGenPG(ctx context.Context) (gen int64, ok bool) {
	tx, err := s.keeperTx(ctx)
	if err != nil {
		return 0, false
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(1919905652, `+pgMarkingKey+`)`); err != nil {
		return 0, false
	}
	// A sequence never used yet gives 1 next: it stands at 0.
	err = tx.QueryRowContext(ctx, `SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM agenda_gen`).Scan(&gen)
	return gen, err == nil && tx.Commit() == nil
}

// keepAgendaPG is keepAgenda on PostgreSQL: the customers cs, read after
// gen was taken, are kept with it, unless a keeper with a later number
// came first. Whole says cs are every current customer: every chunk kept
// before goes. Chunks that no longer stand go too, and the markers gen
// covers: every chunk they name is now kept after them or not at all.
func (s *Store) keepAgendaPG(ctx context.Context, gen int64, cs []agenda.Customer, read keptRead, whole bool) {
	tx, err := s.keeperTx(ctx)
	if err != nil {
		return
	}
	defer tx.Rollback()
	var last int64
	if err := tx.QueryRowContext(ctx, `SELECT gen FROM agenda_keeper FOR UPDATE`).Scan(&last); err != nil || last > gen {
		return
	}
	var chunks []int64
	var args []any
	err = eachKeptChunk(cs, read, func(n int64, b []byte) error {
		chunks = append(chunks, n)
		args = append(args, n, gen, bytes.Clone(b))
		return nil
	})
	if err != nil {
		return
	}
	gone, goneArgs := `DELETE FROM agenda_kept WHERE gen <= ?`, []any{gen}
	if !whole {
		gone = `DELETE FROM agenda_kept k WHERE k.gen <= ? AND (k.chunk IN (SELECT value FROM json_each(?))
			OR EXISTS (SELECT 1 FROM agenda_stale m WHERE m.chunk IN (k.chunk, -1) AND m.gen > k.gen))`
		goneArgs = append(goneArgs, jsonIDs(chunks))
	}
	if _, err := tx.ExecContext(ctx, gone, goneArgs...); err != nil {
		return
	}
	if err := insertRows(ctx, tx, `INSERT INTO agenda_kept(chunk, gen, data)`, 3, args); err != nil {
		return
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM agenda_stale WHERE gen <= ?`, gen); err != nil {
		return
	}
	if _, err := tx.ExecContext(ctx, `UPDATE agenda_keeper SET gen = ?`, gen); err != nil {
		return
	}
	tx.Commit()
}

// keeperTx begins a transaction of the kept agenda's own. It waits for
// another's lock no longer than keepWait (a read should not stall on a
// writer), but takes the time its own work needs: writing every chunk
// after an import takes longer than that.
func (s *Store) keeperTx(ctx context.Context) (*sql.Tx, error) {
	tx, err := s.w.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`SET LOCAL lock_timeout = %d`, keepWait.Milliseconds())); err != nil {
		tx.Rollback()
		return nil, err
	}
	return tx, nil
}

// pgMarkingKey is the second key of rolo_agenda_marking's advisory lock:
// the notebook's schema, that of its tables (the trigger function runs
// with the search path of the migration that made it). Found from a table
// of the notebook, not current_schema(): a rep whose search path begins
// with a schema of their own, empty, would take another lock.
const pgMarkingKey = `hashtext((SELECT n.nspname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
	WHERE c.oid = CAST('changes' AS regclass)))`
