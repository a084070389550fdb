package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"sync"
)

// shortIndex is an in-memory copy of the customers' names, which rank the
// candidates a search found: the TUI filters as the rep types, and reading
// the names of up to 2,000 candidates again at every keystroke cost more
// than finding them. It is rebuilt when the notebook changed: PRAGMA
// data_version on a connection of its own moves whenever another
// connection (the writer, or another process) commits.
type shortIndex struct {
	mu      sync.Mutex
	conn    *sql.Conn
	version int64
	built   bool
	rows    []shortRow
	byID    map[int64]int32
}

type shortRow struct {
	id                     int64
	archived               bool
	name, pinyin, initials string
}

// PrepareShortSearch keeps an in-memory copy of the customers' names for
// one- and two-character searches from now on (a long-lived caller such as
// the TUI; building it costs about what one table scan does).
func (s *Store) PrepareShortSearch(ctx context.Context) error {
	if s.pg {
		return nil // the names are read for each search (PostgreSQL has no data_version)
	}
	x := &s.short
	x.mu.Lock()
	if x.conn == nil {
		conn, err := s.r.Conn(ctx)
		if err != nil {
			x.mu.Unlock()
			return s.wrap("search", err)
		}
		x.conn = conn
	}
	x.mu.Unlock()
	_, err := s.shortCurrent(ctx, true)
	return err
}

// shortCurrent returns the index when PrepareShortSearch asked for one:
// rebuilt first if the notebook changed and build is set, nil if it is
// not current and build is not set.
func (s *Store) shortCurrent(ctx context.Context, build bool) (*shortIndex, error) {
	x := &s.short
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.conn == nil {
		return nil, nil
	}
	var v int64
	if err := x.conn.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v); err != nil {
		return nil, s.wrap("search", err)
	}
	if x.built && v == x.version {
		return x, nil
	}
	if !build {
		return nil, nil
	}
	rows := make([]shortRow, 0, len(x.rows))
	byID := make(map[int64]int32, len(x.rows))
	err := s.eachRow(ctx, "search", `SELECT id, name, name_pinyin, name_initials,
		archived_at IS NOT NULL FROM customers ORDER BY id`, nil, func(v []driver.Value) error {
		r := shortRow{id: vInt(v[0]), name: vStr(v[1]), pinyin: vStr(v[2]), initials: vStr(v[3]), archived: vInt(v[4]) != 0}
		byID[r.id] = int32(len(rows))
		rows = append(rows, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	x.rows, x.byID, x.version, x.built = rows, byID, v, true
	return x, nil
}

// candidates are the found customers, named from the index.
func (x *shortIndex) candidates(found map[int64]int, archived bool) []candidate {
	out := make([]candidate, 0, len(found))
	for id, src := range found {
		i, ok := x.byID[id]
		if !ok {
			continue
		}
		r := &x.rows[i]
		if r.archived && !archived {
			continue
		}
		out = append(out, candidate{id: id, name: r.name, pinyin: r.pinyin, initials: r.initials, src: src})
	}
	return out
}

func (x *shortIndex) close() {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.conn != nil {
		x.conn.Close()
		x.conn = nil
	}
}
