package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"strings"
	"sync"
)

// shortIndex is an in-memory copy of the customer fields that one- and
// two-character searches look at (too short for the trigram index). The
// TUI filters as the rep types: scanning 100,000 rows with LIKE took 40 ms
// a keystroke; the copy is searched in a few. It is rebuilt when the
// notebook changed: PRAGMA data_version on a connection of its own moves
// whenever another connection (the writer, or another process) commits.
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
	profile                string // name, company, city, tags, phone; ASCII lower-cased, NUL-separated
	keys                   string // initials NUL pinyin
}

// asciiLower folds A–Z only, as SQLite's LIKE does.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// PrepareShortSearch keeps an in-memory copy of the customers' names for
// one- and two-character searches from now on (a long-lived caller such as
// the TUI; building it costs about what one table scan does).
func (s *Store) PrepareShortSearch(ctx context.Context) error {
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
	err := s.eachRow(ctx, "search", `SELECT id, name, name_pinyin, name_initials, company, city, tags, phone,
		archived_at IS NOT NULL FROM customers ORDER BY id`, nil, func(v []driver.Value) error {
		r := shortRow{id: vInt(v[0]), name: vStr(v[1]), pinyin: vStr(v[2]), initials: vStr(v[3]), archived: vInt(v[8]) != 0}
		r.profile = asciiLower(strings.Join([]string{r.name, vStr(v[4]), vStr(v[5]), vStr(v[6]), vStr(v[7])}, "\x00"))
		r.keys = r.initials + "\x00" + r.pinyin
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

// match adds the customers whose profile fields contain lq, or whose
// initials or pinyin contain pq, up to maxCandidates, in id order.
func (x *shortIndex) match(lq, pq string, archived bool, found map[int64]int) {
	n := 0
	for i := range x.rows {
		r := &x.rows[i]
		if r.archived && !archived {
			continue
		}
		if strings.Contains(r.profile, lq) || (pq != "" && strings.Contains(r.keys, pq)) {
			if _, ok := found[r.id]; !ok {
				found[r.id] = srcCustomer
			}
			if n++; n == maxCandidates {
				return
			}
		}
	}
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
